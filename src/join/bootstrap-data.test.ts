import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapFiles, compareClusterSettings, parseBootstrap, renderBootstrap } from './bootstrap-data.ts';

const files = Object.fromEntries(bootstrapFiles.map((f) => [f, `content of ${f}`]));
const settings = { 'cluster-cidr': '10.42.0.0/16', 'service-cidr': '10.43.0.0/16', 'cluster-dns': '10.43.0.10', 'cluster-domain': 'cluster.local', 'service-node-port-range': '30000-32767' };

test('bootstrap data round-trips and must carry every CA key', () => {
  const data = { version: 1 as const, files, settings, agentPassword: 'p' };
  assert.deepEqual(parseBootstrap(renderBootstrap(data)), data);
  const { ['etcd/peer-ca.key']: _, ...missing } = files;
  assert.throws(() => parseBootstrap(renderBootstrap({ ...data, files: missing })), /lacks etcd\/peer-ca\.key/);
  assert.throws(() => parseBootstrap('{"version":2}'), /unknown format/);
});

test('a joining server with another cluster-cidr is named, each differing setting once', () => {
  assert.deepEqual(compareClusterSettings(settings, settings), []);
  assert.deepEqual(compareClusterSettings(settings, { ...settings, 'cluster-cidr': '10.52.0.0/16', 'cluster-domain': 'example.org' }), [
    { key: 'cluster-cidr', cluster: '10.42.0.0/16', local: '10.52.0.0/16' },
    { key: 'cluster-domain', cluster: 'cluster.local', local: 'example.org' },
  ]);
});
