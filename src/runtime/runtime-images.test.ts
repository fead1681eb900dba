import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentVersionOf, imageRefOf } from './runtime-images.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';

const manifest = {
  key: 'k1',
  artifacts: [
    { kind: 'binary', name: 'etcd', component: 'etcd', version: 'v3.9.9' },
    { kind: 'image', name: 'example.org/pause:9.9', component: 'pause', version: '9.9' },
  ],
} as unknown as RuntimeManifest;

test('image references and versions are read from the runtime manifest, not from the build tables', () => {
  assert.equal(imageRefOf(manifest, 'pause'), 'example.org/pause:9.9');
  assert.equal(componentVersionOf(manifest, 'etcd'), 'v3.9.9');
  assert.equal(componentVersionOf(manifest, 'coredns'), undefined);
  assert.throws(() => imageRefOf(manifest, 'coredns'), (e: Error & { code?: string }) => e.code === 'RFO_RUNTIME_MISSING' && /k1 has no coredns image/.test(e.message));
});
