import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressArchive, decompressArchive, detectCompression } from './tar-compression.ts';
import { writeTar } from './tar-writer.ts';
import { sha256Hex } from './canonical-json.ts';

const tar = writeTar([{ type: 'file', path: 'bin/coredns', content: Buffer.alloc(200_000, 'coredns ') }]);

test('each compression round-trips and is detected by its magic bytes', () => {
  for (const kind of ['none', 'gzip', 'zstd'] as const) {
    const packed = compressArchive(tar, kind);
    assert.equal(detectCompression(packed), kind);
    assert.deepEqual(decompressArchive(packed), tar);
  }
  assert.ok(compressArchive(tar, 'zstd').length < tar.length / 10);
});

test('compression is deterministic', () => {
  for (const kind of ['gzip', 'zstd'] as const) assert.equal(sha256Hex(compressArchive(tar, kind)), sha256Hex(compressArchive(tar, kind)));
});

test('damaged or cut compressed data is refused, not returned short', () => {
  const zst = compressArchive(tar, 'zstd');
  assert.throws(() => decompressArchive(zst.subarray(0, zst.length - 10), 'bundle'), { code: 'RFO_IMAGE_INVALID', message: /^bundle: zstd data is corrupt or truncated/ });
  const flipped = Buffer.from(zst);
  flipped[flipped.length - 2] = (flipped[flipped.length - 2] ?? 0) ^ 0xff; // inside the frame checksum
  assert.throws(() => decompressArchive(flipped), { code: 'RFO_IMAGE_INVALID' });
  const gz = compressArchive(tar, 'gzip');
  assert.throws(() => decompressArchive(gz.subarray(0, gz.length - 4)), { code: 'RFO_IMAGE_INVALID', message: /gzip/ });
});
