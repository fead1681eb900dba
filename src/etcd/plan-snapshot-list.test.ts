import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSnapshotFile, planRows, renderTable } from './plan-snapshot-list.ts';
import type { SnapshotRecord } from './plan-snapshot-list.ts';

test('only finished snapshot files are listed: temp files and strays are not', () => {
  assert.ok(isSnapshotFile('on-demand-n1-1700000000'));
  assert.ok(isSnapshotFile('on-demand-n1-1700000000.zip'));
  assert.ok(!isSnapshotFile('.on-demand-n1-1700000000.partial-123'));
  assert.ok(!isSnapshotFile('notes.txt'));
});

test('rows merge disk, S3 and failed uploads; table and sizes', () => {
  const failed: SnapshotRecord = {
    file: 'etcd-snapshot-n1-1700000120',
    name: 'etcd-snapshot',
    node: 'n1',
    storage: 's3',
    location: 's3://b/etcd-snapshot-n1-1700000120',
    size: 10,
    sha256: 'x',
    compressed: false,
    createdAt: new Date(1700000120_000).toISOString(),
    status: 'failed',
    message: 'connection refused',
  };
  const rows = planRows(
    [
      { file: 'etcd-snapshot-n1-1700000120', location: 'file:///d/etcd-snapshot-n1-1700000120', size: 10, createdAt: '' },
      { file: 'on-demand-n1-1700000060.zip', location: 'file:///d/on-demand-n1-1700000060.zip', size: 5, createdAt: '' },
    ],
    [{ file: 'on-demand-n1-1700000060.zip', location: 's3://b/on-demand-n1-1700000060.zip', size: 5, createdAt: '' }],
    [failed],
    'n1',
  );
  assert.deepEqual(
    rows.map((r) => `${r.storage}:${r.file}:${r.status}`),
    ['local:on-demand-n1-1700000060.zip:ok', 's3:on-demand-n1-1700000060.zip:ok', 'local:etcd-snapshot-n1-1700000120:ok', 's3:etcd-snapshot-n1-1700000120:failed'],
  );
  assert.equal(rows[0]?.compressed, true);
  const table = renderTable(rows);
  assert.match(table, /^Name +Location +Size +Created +Status\n/);
  assert.match(table, /etcd-snapshot-n1-1700000120 +s3:\/\/b\/etcd-snapshot-n1-1700000120 +10 +2023-11-14T22:15:20.000Z failed: connection refused\n$/);
});
