import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTestHostCleanup } from './plan-test-host-cleanup.ts';

test('removes what the run added to absent or empty paths; a path that had entries is left alone', () => {
  const before = { '/var/lib/cni': ['results', 'mine'], '/var/lib/cni/results': ['old-lo'], '/var/log/pods': null, '/var/log/containers': [], '/etc/rancher': ['rfo'] };
  const after = {
    '/var/lib/cni': ['results', 'mine', 'networks'],
    '/var/lib/cni/results': ['old-lo', 'new-lo'],
    '/var/log/pods': ['ns_pod_uid'],
    '/var/log/containers': ['pod_ns_c-1.log'],
    '/etc/rancher': ['rfo', 'node'],
  };
  const plan = planTestHostCleanup(before, after, ['/', '/proc']);
  assert.deepEqual(plan.remove, ['/var/log/containers/pod_ns_c-1.log', '/var/log/pods']);
  assert.deepEqual(plan.kept, []);
});

test('a path absent before is removed whole, covering what was added under it', () => {
  const plan = planTestHostCleanup({ '/var/lib/cni': null, '/var/lib/cni/results': null }, { '/var/lib/cni': ['results'], '/var/lib/cni/results': ['x-lo'] }, []);
  assert.deepEqual(plan.remove, ['/var/lib/cni']);
});

test('nothing with a mount on or under it is removed; unrecorded paths are left alone', () => {
  const plan = planTestHostCleanup({ '/var/lib/kubelet': [] }, { '/var/lib/kubelet': ['pods', 'device-plugins'], '/srv': ['x'] }, ['/var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/s']);
  assert.deepEqual(plan.remove, ['/var/lib/kubelet/device-plugins']);
  assert.deepEqual(plan.kept, ['/var/lib/kubelet/pods']);
});
