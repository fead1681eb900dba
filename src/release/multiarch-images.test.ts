import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perArchArchives } from './multiarch-images.ts';

test('the per-arch airgap archives of a version directory, by arch', () => {
  const files = ['rfo-images.linux-arm64.tar.zst', 'rfo-images.linux-amd64.tar.zst', 'rfo-images.linux-amd64.tar.zst.sig', 'rfo-images.multiarch.tar.zst', 'rfo-images.linux-amd64.tar.zst.sbom.cdx.json', 'rfo.linux-amd64.tar.gz'];
  assert.deepEqual([...perArchArchives(files)], [
    ['amd64', 'rfo-images.linux-amd64.tar.zst'],
    ['arm64', 'rfo-images.linux-arm64.tar.zst'],
  ]);
  assert.equal(perArchArchives(['rfo-images.linux-amd64.tar.zst']).size, 1);
});
