import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCertificates, checkIntervalMs, startCertRenewal } from './cert-renewal.ts';
import type { CertCheck } from './cert-renewal.ts';

const now = new Date('2027-01-01T00:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 24 * 60 * 60 * 1000);

function fakeCheck(journal: string[], o: { renewed?: string[]; failRestart?: string; failRenew?: boolean; expiries?: { name: string; notAfter: Date }[] } = {}): CertCheck {
  return {
    renew: () => (o.failRenew ? Promise.reject(new Error('disk full')) : Promise.resolve(o.renewed ?? [])),
    expiries: () => Promise.resolve(o.expiries ?? [{ name: 'client-admin.crt', notAfter: inDays(365) }]),
    rewriteKubeconfigs: (names) => Promise.resolve(void journal.push(`kubeconfigs ${names.join(',')}`)),
    reload: (what) => Promise.resolve(void journal.push(`reload ${what}`)),
    restart: (c) => (c === o.failRestart ? Promise.reject(new Error(`${c} is stuck`)) : Promise.resolve(void journal.push(`restart ${c}`))),
    warn: (w) => Promise.resolve(void journal.push(`event ${w.name}`)),
    running: new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy']),
  };
}

test('a renewed scheduler certificate: its kubeconfig is rewritten and only kube-scheduler restarts', async () => {
  const j: string[] = [];
  const logs: string[] = [];
  await checkCertificates(fakeCheck(j, { renewed: ['client-scheduler'] }), 'n1', (m) => logs.push(m), now);
  assert.deepEqual(j, ['kubeconfigs scheduler.kubeconfig', 'restart kube-scheduler']);
  assert.match(logs.join('\n'), /certificates renewed: client-scheduler; restarting kube-scheduler/);
});

test('nothing to renew: nothing restarted or rewritten', async () => {
  const j: string[] = [];
  await checkCertificates(fakeCheck(j), 'n1', () => undefined, now);
  assert.deepEqual(j, []);
});

test('the supervisor certificate reloads the listener; a failed restart is logged and the others still happen', async () => {
  const j: string[] = [];
  const logs: string[] = [];
  await checkCertificates(fakeCheck(j, { renewed: ['serving-supervisor', 'etcd/server-client', 'serving-kube-apiserver'], failRestart: 'etcd' }), 'n1', (m) => logs.push(m), now);
  assert.deepEqual(j, ['reload supervisor-listener', 'restart kube-apiserver']);
  assert.match(logs.join('\n'), /restarting etcd failed: etcd is stuck/);
});

test('certificates with fewer than 30 days left: a WARNING line and a Node event each', async () => {
  const j: string[] = [];
  const logs: string[] = [];
  await checkCertificates(fakeCheck(j, { expiries: [{ name: 'server-ca.crt', notAfter: inDays(10) }, { name: 'client-admin.crt', notAfter: inDays(200) }] }), 'n1', (m) => logs.push(m), now);
  assert.deepEqual(j, ['event server-ca.crt']);
  assert.match(logs.join('\n'), /^WARNING: certificate server-ca\.crt of node n1 expires in 10 days/m);
});

test('the loop catches and logs its own errors and keeps checking; stop ends it', async () => {
  const logs: string[] = [];
  let checks = 0;
  const check = { ...fakeCheck([], { failRenew: true }), renew: () => (checks++, Promise.reject(new Error('disk full'))) };
  const loop = startCertRenewal(check, { nodeName: 'n1', intervalMs: 20, log: (m) => logs.push(m) });
  await new Promise((r) => setTimeout(r, 150));
  await loop.stop();
  const after = checks;
  assert.ok(after >= 3, `checks: ${after}`);
  assert.match(logs[0] ?? '', /certificate check failed \(next in 0 s\): disk full/);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(checks, after, 'no check after stop');
});

test('the interval is a day unless the test variable sets at least a second', () => {
  assert.equal(checkIntervalMs({}), 86_400_000);
  assert.equal(checkIntervalMs({ RFO_TEST_CERT_CHECK_INTERVAL_SECONDS: '2' }), 2000);
  assert.equal(checkIntervalMs({ RFO_TEST_CERT_CHECK_INTERVAL_SECONDS: '0' }), 86_400_000);
  assert.equal(checkIntervalMs({ RFO_TEST_CERT_CHECK_INTERVAL_SECONDS: 'x' }), 86_400_000);
});
