import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certServiceNames, defaultServices, leavesOf, managedKubeconfigs, nodeCertFiles, planInventory, resolveServices, serverCertFiles } from './plan-inventory.ts';
import { planCertSpecs } from './specs.ts';
import { nodeCertKinds } from '../api/handlers.ts';

const specs = planCertSpecs({ nodeName: 'n1', nodeIps: ['10.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });

test('the server inventory is exactly the PKI plan: same ids, files and kinds', () => {
  assert.deepEqual(Object.keys(serverCertFiles).sort(), specs.map((s) => s.id).sort());
  for (const s of specs) {
    assert.equal(serverCertFiles[s.id]?.file, s.file, s.id);
    assert.equal(serverCertFiles[s.id]?.kind, s.kind, s.id);
  }
});

test('every server leaf belongs to a service, CAs to none; the agent fetches exactly the handler kinds', () => {
  for (const c of planInventory('server')) {
    if (c.kind === 'leaf') assert.ok(c.service, `${c.id} has no service`);
    else assert.equal(c.service, undefined, c.id);
    assert.ok(c.components.length > 0, `${c.id} names no component`);
  }
  assert.deepEqual([...nodeCertFiles].sort(), [...nodeCertKinds].sort());
  const agent = planInventory('agent');
  assert.deepEqual(agent.filter((c) => c.kind === 'ca').map((c) => c.certFile), ['agent/server-ca.crt', 'agent/client-ca.crt']);
  assert.ok(agent.filter((c) => c.kind === 'ca').every((c) => c.keyFile === undefined), 'agents hold no CA key');
  assert.equal(planInventory('server').find((c) => c.id === 'etcd-peer')?.certFile, 'server/tls/etcd/peer-server-client.crt');
});

test('services map to the files RKE2 users expect', () => {
  const files = (role: 'server' | 'agent', s: Parameters<typeof leavesOf>[1]) => leavesOf(role, s).map((c) => c.certFile).sort();
  assert.deepEqual(files('server', ['kubelet']), ['server/tls/client-kubelet.crt', 'server/tls/serving-kubelet.crt']);
  assert.deepEqual(files('server', ['etcd']), ['server/tls/etcd/client.crt', 'server/tls/etcd/peer-server-client.crt', 'server/tls/etcd/server-client.crt']);
  assert.deepEqual(files('server', ['rfo-server']), ['server/tls/client-supervisor.crt', 'server/tls/serving-supervisor.crt']);
  assert.deepEqual(files('server', ['flannel']), files('server', ['rfo-controller']));
  assert.deepEqual(files('agent', ['kubelet']), ['agent/client-kubelet.crt', 'agent/serving-kubelet.crt']);
  assert.deepEqual(files('agent', ['rfo-controller']), ['agent/client-flannel.crt']);
  assert.deepEqual(leavesOf('server', ['cloud-controller']), []);
  // Every server leaf is rotated by the default set, and no CA ever is.
  const all = leavesOf('server', defaultServices('server'));
  assert.equal(all.length, planInventory('server').filter((c) => c.kind === 'leaf').length);
  assert.ok(all.every((c) => c.kind === 'leaf'));
  assert.deepEqual(defaultServices('agent'), ['kubelet', 'kube-proxy', 'rfo-controller']);
});

test('an unknown service is refused naming the valid ones; a server-only one on an agent too', () => {
  const bad = resolveServices('server', ['kubelet', 'kubelet-x']);
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.match(bad.message, /"kubelet-x"/);
    for (const s of certServiceNames) assert.ok(bad.hint.includes(s), s);
  }
  const agent = resolveServices('agent', ['etcd']);
  assert.equal(agent.ok, false);
  if (!agent.ok) assert.match(agent.hint, /on an agent: rfo-controller, kubelet, kube-proxy, flannel;/);
  const cloud = resolveServices('server', ['cloud-controller', 'admin', 'admin']);
  assert.ok(cloud.ok);
  if (cloud.ok) {
    assert.deepEqual(cloud.services, ['cloud-controller', 'admin']);
    assert.match(cloud.notes[0] ?? '', /no cloud controller/);
  }
  assert.deepEqual(resolveServices('agent', []), { ok: true, services: ['kubelet', 'kube-proxy', 'rfo-controller'], notes: [] });
});

test('kubeconfigs name services that exist on their role', () => {
  for (const role of ['server', 'agent'] as const) {
    for (const k of managedKubeconfigs[role]) assert.ok(leavesOf(role, [k.service]).length > 0, `${role} ${k.file}`);
  }
});
