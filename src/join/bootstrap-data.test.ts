import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapFiles, compareClusterSettings, parseBootstrap, planBootstrapWrites, renderBootstrap } from './bootstrap-data.ts';

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

test('crafted bootstrap data: path escapes, nested names and unknown files are refused by name', () => {
  const data = { version: 1 as const, files, settings, agentPassword: 'p' };
  for (const bad of ['../../etc/cron.d/x', 'etcd/../../x', '/etc/shadow', 'a/b', 'etcd//server-ca.crt', './server-ca.crt', 'server-ca.crt\\..', 'authorized_keys', 'server-ca.crt\0']) {
    assert.throws(
      () => parseBootstrap(renderBootstrap({ ...data, files: { ...files, [bad]: 'x' } })),
      (err: Error & { code?: string }) => err.code === 'RFO_JOIN_FAILED' && err.message.includes(JSON.stringify(bad)) && /nothing was written/.test(err.message),
      bad,
    );
  }
  assert.throws(() => planBootstrapWrites({ ...files, 'server-ca.key': 42 }), /is not text/);
});

test('the kubelet CA is optional (older servers do not send it) and keys are written 0600', () => {
  const writes = planBootstrapWrites({ ...files, 'kubelet-ca.crt': 'c', 'kubelet-ca.key': 'k' });
  assert.deepEqual(writes.map((w) => w.file).sort(), [...bootstrapFiles, 'kubelet-ca.crt', 'kubelet-ca.key'].sort());
  assert.equal(writes.find((w) => w.file === 'kubelet-ca.key')?.mode, 0o600);
  assert.equal(writes.find((w) => w.file === 'etcd/peer-ca.crt')?.mode, 0o644);
});
