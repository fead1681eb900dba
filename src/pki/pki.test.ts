import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiServiceIp, planCertSpecs } from './specs.ts';
import type { LeafSpec } from './specs.ts';
import { planPki } from './plan.ts';
import type { ExistingCert } from './plan.ts';

const input = { nodeName: 'node1', nodeIps: ['192.168.10.5'], tlsSans: ['rfo.example.com', '203.0.113.7'], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' };
const specs = planCertSpecs(input);
const byId = (id: string) => {
  const s = specs.find((x) => x.id === id);
  assert.ok(s, id);
  return s;
};

test('the service IP is the first address of the service CIDR', () => {
  assert.equal(apiServiceIp('10.43.0.0/16'), '10.43.0.1');
  assert.equal(apiServiceIp('172.20.255.0/24'), '172.20.255.1');
  assert.throws(() => apiServiceIp('fd00::/108'));
});

test('every leaf is signed by a CA in the plan, and ids and files are unique', () => {
  const cas = new Set(specs.filter((s) => s.kind === 'ca').map((s) => s.id));
  for (const s of specs) if (s.kind === 'leaf') assert.ok(cas.has(s.signer), `${s.id}: unknown signer ${s.signer}`);
  assert.equal(new Set(specs.map((s) => s.id)).size, specs.length);
  assert.equal(new Set(specs.map((s) => s.file)).size, specs.length);
});

test('the apiserver certificate covers service IP, node IPs, localhost, tls-san and the service names', () => {
  const api = byId('serving-kube-apiserver') as LeafSpec;
  for (const ip of ['10.43.0.1', '127.0.0.1', '192.168.10.5', '203.0.113.7']) assert.ok(api.ipAddresses.includes(ip), ip);
  for (const dns of ['kubernetes.default.svc.cluster.local', 'localhost', 'node1', 'rfo.example.com']) assert.ok(api.dnsNames.includes(dns), dns);
  assert.deepEqual(api.usages, ['serverAuth']);
  assert.equal(api.validityDays, 365);
});

test('client identities match what Kubernetes RBAC expects', () => {
  assert.deepEqual((byId('admin') as LeafSpec).organization, ['system:masters']);
  assert.equal((byId('kubelet') as LeafSpec).commonName, 'system:node:node1');
  assert.deepEqual((byId('kubelet') as LeafSpec).organization, ['system:nodes']);
  assert.equal((byId('controller') as LeafSpec).commonName, 'system:kube-controller-manager');
  assert.equal((byId('auth-proxy') as LeafSpec).signer, 'request-header-ca');
  assert.deepEqual((byId('etcd-peer') as LeafSpec).usages, ['serverAuth', 'clientAuth']);
});

const now = new Date('2026-11-23T00:00:00Z');
const inAYear = new Date('2027-11-23T00:00:00Z');
function onDisk(): Map<string, ExistingCert> {
  const m = new Map<string, ExistingCert>();
  for (const s of specs) {
    m.set(s.id, {
      notAfter: inAYear,
      fingerprint: `fp-${s.id}`,
      ...(s.kind === 'leaf' ? { issuerFingerprint: `fp-${s.signer}` } : {}),
      dnsNames: s.kind === 'leaf' ? s.dnsNames : [],
      ipAddresses: s.kind === 'leaf' ? s.ipAddresses : [],
      keyMatches: true,
    });
  }
  return m;
}

test('a fresh node creates everything; a restart keeps everything', () => {
  assert.ok(planPki(specs, new Map(), now).every((a) => a.action === 'create'));
  assert.ok(planPki(specs, onDisk(), now).every((a) => a.action === 'keep'));
});

test('expiring leaves are renewed, a new tls-san reissues only the certificates that carry it', () => {
  const disk = onDisk();
  const kubelet = disk.get('kubelet');
  assert.ok(kubelet);
  disk.set('kubelet', { ...kubelet, notAfter: new Date('2027-01-10T00:00:00Z') });
  const more = planCertSpecs({ ...input, tlsSans: [...input.tlsSans, 'new.example.com'] });
  const actions = planPki(more, disk, now);
  const changed = actions.filter((a) => a.action !== 'keep').map((a) => `${a.action}:${a.id}`).sort();
  assert.deepEqual(changed, ['reissue:serving-kube-apiserver', 'reissue:serving-supervisor', 'renew:kubelet']);
});

test('a missing CA is created and every leaf it signed is reissued; an expiring CA is only reported', () => {
  const disk = onDisk();
  disk.delete('etcd-peer-ca');
  const actions = planPki(specs, disk, now);
  assert.deepEqual(actions.find((a) => a.id === 'etcd-peer-ca'), { action: 'create', id: 'etcd-peer-ca' });
  assert.equal(actions.find((a) => a.id === 'etcd-peer')?.action, 'reissue');
  assert.equal(actions.find((a) => a.id === 'etcd-server')?.action, 'keep');
  const old = onDisk();
  const serverCa = old.get('server-ca');
  assert.ok(serverCa);
  old.set('server-ca', { ...serverCa, notAfter: new Date('2026-12-01T00:00:00Z') });
  const caActions = planPki(specs, old, now);
  assert.equal(caActions.find((a) => a.id === 'server-ca')?.action, 'renew');
  assert.equal(caActions.find((a) => a.id === 'serving-kube-apiserver')?.action, 'keep', 'leaves keep their valid CA');
});

test('the hint for an expiring CA names the command that replaces it', () => {
  const old = onDisk();
  const serverCa = old.get('server-ca');
  assert.ok(serverCa);
  old.set('server-ca', { ...serverCa, notAfter: new Date('2026-12-01T00:00:00Z') });
  const renew = planPki(specs, old, now).find((a) => a.id === 'server-ca');
  assert.ok(renew?.action === 'renew');
  assert.match(renew.reason, /rfo certificate rotate-ca --path <dir> against every server/);
});

test('a leaf whose key does not match is recreated; one signed by another CA is reissued', () => {
  const disk = onDisk();
  const admin = disk.get('admin');
  const sched = disk.get('scheduler');
  assert.ok(admin && sched);
  disk.set('admin', { ...admin, keyMatches: false });
  disk.set('scheduler', { ...sched, issuerFingerprint: 'fp-someone-else' });
  const actions = planPki(specs, disk, now);
  assert.equal(actions.find((a) => a.id === 'admin')?.action, 'create');
  assert.equal(actions.find((a) => a.id === 'scheduler')?.action, 'reissue');
});

test('kubelet serving certificates have a CA of their own; nothing else is signed by it', () => {
  assert.equal((byId('serving-kubelet') as LeafSpec).signer, 'kubelet-ca');
  assert.equal(byId('kubelet-ca').kind, 'ca');
  assert.deepEqual(specs.filter((s) => s.kind === 'leaf' && s.signer === 'kubelet-ca').map((s) => s.id), ['serving-kubelet']);
  for (const id of ['serving-kube-apiserver', 'serving-supervisor']) assert.equal((byId(id) as LeafSpec).signer, 'server-ca', id);
});

test('upgrade: a data dir without the kubelet CA gets it, the kubelet serving certificate is reissued, everything else is kept', () => {
  const disk = onDisk();
  disk.delete('kubelet-ca');
  const kubelet = disk.get('serving-kubelet');
  assert.ok(kubelet);
  disk.set('serving-kubelet', { ...kubelet, issuerFingerprint: 'fp-server-ca' }); // the old layout: signed by server-ca
  const changed = planPki(specs, disk, now).filter((a) => a.action !== 'keep');
  assert.deepEqual(changed.map((a) => `${a.action}:${a.id}`), ['create:kubelet-ca', 'reissue:serving-kubelet']);
});
