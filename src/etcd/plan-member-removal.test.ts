import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMemberRemovals } from './plan-member-removal.ts';

const m = (name: string) => ({ id: name, name, peerUrls: [], clientUrls: [], isLearner: false });

test('a deleted server node loses its etcd member; joining servers and this server are kept', () => {
  const members = [m('s1'), m('s2'), m('s3'), m('s4'), m('')];
  const removed = planMemberRemovals(members, new Set(['s1', 's3']), new Set(['s1', 's2', 's3']), 's1');
  assert.deepEqual(removed.map((x) => x.name), ['s2']);
  assert.deepEqual(planMemberRemovals(members, new Set(), new Set(['s1']), 's1'), [], 'never itself');
});
