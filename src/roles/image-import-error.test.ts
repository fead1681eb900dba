import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageImportError } from './image-import-error.ts';

test('a full disk during an image import is RFO_DISK_FULL naming where to free space; anything else blames the archive', () => {
  const full = imageImportError('/d/agent/images/a.tar.zst', 'ctr: failed to extract layer: write /x: no space left on device\n', '/d/agent/containerd');
  assert.equal(full.code, 'RFO_DISK_FULL');
  assert.match(full.hint ?? '', /free disk space .*\/d\/agent\/containerd/);
  const bad = imageImportError('/d/agent/images/a.tar.zst', 'ctr: unexpected EOF', '/d/agent/containerd');
  assert.equal(bad.code, 'RFO_IMAGE_INVALID');
  assert.match(bad.message, /importing \/d\/agent\/images\/a\.tar\.zst failed: ctr: unexpected EOF/);
  assert.match(bad.hint ?? '', /remove or replace the archive/);
});
