import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef, refTag } from './image-ref.ts';

test('full references parse into registry, repository and tag', () => {
  assert.deepEqual(parseImageRef('registry.k8s.io/pause:3.10.2'), { domain: 'registry.k8s.io', repository: 'pause', tag: '3.10.2' });
  assert.deepEqual(parseImageRef('registry.k8s.io/coredns/coredns:v1.14.7'), { domain: 'registry.k8s.io', repository: 'coredns/coredns', tag: 'v1.14.7' });
  assert.deepEqual(parseImageRef('localhost:5000/rfo/flannel:v0.27.4-rfo.1'), { domain: 'localhost:5000', repository: 'rfo/flannel', tag: 'v0.27.4-rfo.1' });
  assert.equal(refTag('docker.io/library/busybox:1.36'), '1.36');
});

test('references the kubelet would not find are refused', () => {
  for (const bad of ['pause:3.10', 'library/busybox:1.36', 'registry.k8s.io/pause', 'registry.k8s.io/Pause:1', 'registry.k8s.io/pause:', `registry.k8s.io/pause@sha256:${'a'.repeat(64)}`, 'registry.k8s.io/pause:bad tag']) {
    assert.throws(() => parseImageRef(bad), { code: 'RFO_IMAGE_INVALID' }, bad);
  }
});
