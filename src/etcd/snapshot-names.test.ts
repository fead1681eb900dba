import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshotFileName, planRetention, snapshotFileName } from './snapshot-names.ts';

test('names follow <name>-<node>-<unix time>[.zip] and parse back', () => {
  assert.equal(snapshotFileName('etcd-snapshot', 'node-1', 1763900000, true), 'etcd-snapshot-node-1-1763900000.zip');
  assert.deepEqual(parseSnapshotFileName('on-demand-node-1-1763900000', 'node-1'), { file: 'on-demand-node-1-1763900000', name: 'on-demand', node: 'node-1', createdUnix: 1763900000, compressed: false });
  assert.equal(parseSnapshotFileName('on-demand-node-2-1763900000', 'node-1'), undefined, "another node's file");
  assert.equal(parseSnapshotFileName('node-1-1763900000', 'node-1'), undefined, 'no name');
  assert.equal(parseSnapshotFileName('random.txt', 'node-1'), undefined);
});

test('retention keeps the newest N of this node and name only', () => {
  const files = [
    'etcd-snapshot-n1-1000000001',
    'etcd-snapshot-n1-1000000003.zip',
    'etcd-snapshot-n1-1000000002',
    'etcd-snapshot-n2-1000000000',
    'on-demand-n1-1000000000',
    'etcd-snapshot-n1-1000000004',
  ];
  assert.deepEqual(planRetention(files, 'etcd-snapshot', 'n1', 2), ['etcd-snapshot-n1-1000000001', 'etcd-snapshot-n1-1000000002']);
  assert.deepEqual(planRetention(files, 'etcd-snapshot', 'n1', 10), []);
  assert.deepEqual(planRetention(files, 'etcd-snapshot', 'n1', 0), [], 'retention 0 never deletes everything');
});
