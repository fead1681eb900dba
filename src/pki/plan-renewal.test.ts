import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRenewalEffects, planRenewals } from './plan-renewal.ts';
import { certConsumers } from './cert-consumers.ts';
import { planCertSpecs } from './specs.ts';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2027-01-01T00:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * day);
const server = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'helm-controller', 'containerd', 'kubelet', 'kube-proxy', 'flanneld']);

test('leaves with fewer than 90 days left, or missing, are renewed; the rest are kept', () => {
  const got = planRenewals(
    [
      { file: 'client-scheduler', notAfter: inDays(89) },
      { file: 'client-controller', notAfter: inDays(91) },
      { file: 'client-admin', notAfter: inDays(-3) },
      { file: 'client-kube-proxy', notAfter: undefined },
    ],
    now,
  );
  assert.deepEqual(got, ['client-scheduler', 'client-admin', 'client-kube-proxy']);
});

test('renewing the scheduler client certificate restarts kube-scheduler only and rewrites its kubeconfig', () => {
  assert.deepEqual(planRenewalEffects(['client-scheduler'], server), { restart: ['kube-scheduler'], reload: [], kubeconfigs: ['scheduler.kubeconfig'] });
});

test("kube-apiserver's serving certificate restarts only the apiserver; the supervisor's reloads the 9345 listener, no restart", () => {
  assert.deepEqual(planRenewalEffects(['serving-kube-apiserver'], server), { restart: ['kube-apiserver'], reload: [], kubeconfigs: [] });
  assert.deepEqual(planRenewalEffects(['serving-supervisor'], server), { restart: [], reload: ['supervisor-listener'], kubeconfigs: [] });
  // the admin certificate: the kubeconfig is rewritten and rfo's own client reloads it
  assert.deepEqual(planRenewalEffects(['client-admin'], server), { restart: [], reload: ['rfo-client'], kubeconfigs: ['admin.kubeconfig'] });
});

test('several renewals: each component restarted once, etcd before the apiserver before its clients; absent components are not restarted', () => {
  const e = planRenewalEffects(['client-flannel', 'client-controller', 'etcd/client', 'etcd/server-client', 'etcd/peer-server-client', 'serving-kube-apiserver', 'client-helm-controller'], new Set(['etcd', 'kube-apiserver', 'kube-controller-manager']));
  assert.deepEqual(e.restart, ['etcd', 'kube-apiserver', 'kube-controller-manager']);
  assert.deepEqual(e.kubeconfigs, ['controller.kubeconfig', 'flannel.kubeconfig', 'helm-controller.kubeconfig']);
});

test("an agent's certificates restart only kubelet, kube-proxy or flanneld, as affected", () => {
  const agent = new Set(['containerd', 'kubelet', 'kube-proxy', 'flanneld']);
  assert.deepEqual(planRenewalEffects(['client-kube-proxy'], agent), { restart: ['kube-proxy'], reload: [], kubeconfigs: ['kubeproxy.kubeconfig'] });
  assert.deepEqual(planRenewalEffects(['serving-kubelet', 'client-kubelet'], agent).restart, ['kubelet']);
  assert.deepEqual(planRenewalEffects(['client-flannel'], agent).restart, ['flanneld']);
});

test('every leaf rfo issues has a consumer entry (a new leaf must say who uses it)', () => {
  const specs = planCertSpecs({ nodeName: 'n', nodeIps: ['10.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
  const leaves = specs.filter((s) => s.kind === 'leaf').map((s) => s.file);
  assert.deepEqual(leaves.filter((f) => !(f in certConsumers)), []);
});
