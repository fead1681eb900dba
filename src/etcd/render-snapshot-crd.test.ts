import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStaleObjects, renderSnapshotCrd, renderSnapshotFile, snapshotObjectName, storageLabel } from './render-snapshot-crd.ts';
import type { Row } from './plan-snapshot-list.ts';

const row: Row = { file: 'On-Demand-n1-1700000000.zip', storage: 's3', location: 's3://b/f/On-Demand-n1-1700000000.zip', size: 42, createdAt: '2023-11-14T22:13:20.000Z', status: 'failed', message: 'timeout', node: 'n1', compressed: true };

test('CRD: cluster-scoped k3s.cattle.io/v1 with RKE2 printer columns', () => {
  const crd = renderSnapshotCrd() as { spec: { scope: string; group: string; versions: { additionalPrinterColumns: { name: string }[] }[] } };
  assert.equal(crd.spec.scope, 'Cluster');
  assert.equal(crd.spec.group, 'k3s.cattle.io');
  assert.deepEqual(crd.spec.versions[0]?.additionalPrinterColumns.map((c) => c.name), ['SnapshotName', 'Node', 'Location', 'Size', 'CreationTime']);
});

test('object names are DNS-safe and differ per place', () => {
  const a = snapshotObjectName(row);
  assert.match(a, /^s3-on-demand-n1-1700000000-zip-[0-9a-f]{6}$/);
  assert.notEqual(a, snapshotObjectName({ ...row, storage: 'local', location: 'file:///x' }));
});

test('a failed upload is an object with readyToUse false and the error', () => {
  const o = renderSnapshotFile(row, { endpoint: 'e', bucket: 'b', region: 'r', prefix: 'f', insecure: false, skipSSLVerify: false }, 'v3.6.16') as { metadata: { labels: Record<string, string> }; spec: { s3?: object }; status: { readyToUse: boolean; error?: { message: string } } };
  assert.equal(o.metadata.labels[storageLabel], 's3');
  assert.equal(o.status.readyToUse, false);
  assert.equal(o.status.error?.message, 'timeout');
  assert.ok(o.spec.s3);
});

test('stale objects: only this node\'s and (with S3 on) S3 ones are removed', () => {
  const existing = [
    { name: 'a', storage: 'n1' },
    { name: 'b', storage: 'n2' },
    { name: 'c', storage: 's3' },
    { name: 'd', storage: 'n1' },
  ];
  assert.deepEqual(planStaleObjects(existing, ['d'], 'n1', true), ['a', 'c']);
  assert.deepEqual(planStaleObjects(existing, ['d'], 'n1', false), ['a']);
});
