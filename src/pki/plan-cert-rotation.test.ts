import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCertRotation } from './plan-cert-rotation.ts';
import { planInventory } from './plan-inventory.ts';

const everything = (role: 'server' | 'agent') => new Set(planInventory(role).flatMap((c) => [c.certFile, ...(c.keyFile ? [c.keyFile] : [])]));

test('server: the tls dir is copied whole to tls-<unix seconds>, then only the selected leaves go', () => {
  const plan = planCertRotation('server', ['kubelet'], everything('server'), 1_700_000_000.7);
  assert.equal(plan.backupDir, 'server/tls-1700000000');
  assert.deepEqual(plan.copyDir, { from: 'server/tls', to: 'server/tls-1700000000' });
  assert.deepEqual([...plan.remove].sort(), ['server/tls/client-kubelet.crt', 'server/tls/client-kubelet.key', 'server/tls/serving-kubelet.crt', 'server/tls/serving-kubelet.key']);
  assert.deepEqual(plan.rotated.map((r) => ({ ...r, files: [...r.files].sort() })), [{ service: 'kubelet', files: ['server/tls/client-kubelet.crt', 'server/tls/serving-kubelet.crt'] }]);
});

test('a full server rotation removes every leaf and no CA, no service.key', () => {
  const plan = planCertRotation('server', ['admin', 'api-server', 'controller-manager', 'scheduler', 'rfo-controller', 'rfo-server', 'cloud-controller', 'etcd', 'auth-proxy', 'kubelet', 'kube-proxy', 'helm-controller'], everything('server'), 1);
  const leaves = planInventory('server').filter((c) => c.kind === 'leaf');
  assert.equal(plan.remove.length, leaves.length * 2);
  assert.ok(!plan.remove.some((f) => /-ca\.(crt|key)$|service/.test(f)), plan.remove.join(' '));
  assert.ok(!plan.rotated.some((r) => r.service === 'cloud-controller'), 'cloud-controller has nothing to rotate');
});

test('agent: every managed file is copied to agent/tls-<unix>, the selected leaves removed, missing files skipped', () => {
  const present = everything('agent');
  present.delete('agent/client-flannel.crt');
  present.delete('agent/client-flannel.key');
  const plan = planCertRotation('agent', ['kube-proxy', 'rfo-controller'], present, 42);
  assert.equal(plan.copyDir, undefined);
  assert.ok(plan.copyFiles.some((f) => f.from === 'agent/server-ca.crt' && f.to === 'agent/tls-42/server-ca.crt'));
  assert.ok(plan.copyFiles.some((f) => f.from === 'agent/client-kubelet.key' && f.to === 'agent/tls-42/client-kubelet.key'));
  assert.equal(plan.copyFiles.length, present.size);
  assert.deepEqual(plan.remove, ['agent/client-kube-proxy.crt', 'agent/client-kube-proxy.key']);
  assert.deepEqual(plan.rotated, [{ service: 'kube-proxy', files: ['agent/client-kube-proxy.crt'] }]);
});
