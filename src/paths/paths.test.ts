import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultHostRoots, planPaths } from './paths.ts';

test('the default layout is RKE2 with rke2 → rfo', () => {
  const p = planPaths(defaultHostRoots);
  assert.equal(p.server.nodeToken, '/var/lib/rancher/rfo/server/node-token');
  assert.equal(p.server.tlsDir, '/var/lib/rancher/rfo/server/tls');
  assert.equal(p.server.etcdDataDir, '/var/lib/rancher/rfo/server/db/etcd');
  assert.equal(p.server.manifestsDir, '/var/lib/rancher/rfo/server/manifests');
  assert.equal(p.agent.imagesDir, '/var/lib/rancher/rfo/agent/images');
  assert.equal(p.binLink, '/var/lib/rancher/rfo/bin');
  assert.equal(p.runtimeDir('abc'), '/var/lib/rancher/rfo/data/abc');
});

test('every path moves with its root, so tests run isolated', () => {
  const p = planPaths({ dataDir: '/t/data', runDir: '/t/run', kubeletDir: '/t/kubelet', cniConfDir: '/t/cni', cniStateDir: '/t/cnistate', podLogDir: '/t/pods' });
  const all = JSON.stringify(p, (_k, v: unknown) => (typeof v === 'function' ? (v as (s: string) => string)('x') : v));
  for (const m of all.matchAll(/"(\/[^"]*)"/g)) assert.match(m[1] ?? '', /^\/t\//, `${m[1]} escaped the test roots`);
});
