import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInitialCluster, parseMemberList } from './etcdctl.ts';

test('member IDs beyond 2^53 survive as exact hex', () => {
  const json = '{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801},"members":[{"ID":9372538179322589801,"name":"s1","peerURLs":["https://10.0.0.1:2380"],"clientURLs":["https://10.0.0.1:2379"]},{"ID":10501334649042878790,"peerURLs":["https://10.0.0.2:2380"],"isLearner":true}]}';
  const members = parseMemberList(json);
  assert.deepEqual(members.map((m) => m.id), ['8211f1d0f64f3269', '91bc3c398fb3c146']);
  assert.equal(members[1]?.isLearner, true);
  assert.equal(members[1]?.name, '');
  assert.deepEqual(members[0]?.clientUrls, ['https://10.0.0.1:2379']);
});

test('the initial cluster comes from member add output', () => {
  const out = 'Member 91bc3c398fb3c146 added to cluster\n\nETCD_NAME="s2"\nETCD_INITIAL_CLUSTER="s1=https://10.0.0.1:2380,s2=https://10.0.0.2:2380"\nETCD_INITIAL_ADVERTISE_PEER_URLS="https://10.0.0.2:2380"\nETCD_INITIAL_CLUSTER_STATE="existing"\n';
  assert.equal(parseInitialCluster(out), 's1=https://10.0.0.1:2380,s2=https://10.0.0.2:2380');
  assert.throws(() => parseInitialCluster('nothing'));
});
