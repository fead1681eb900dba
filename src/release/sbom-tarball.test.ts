import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tarballBinaryComponent } from './sbom.ts';

test('a binary built from a release tarball nests the tarball, by URL and sha256, and names the compiler', () => {
  const url = 'http://deb.debian.org/debian/pool/main/b/busybox/busybox_1.37.0.orig.tar.bz2';
  const c = tarballBinaryComponent('busybox-defconfig', '1.37.0', 'b'.repeat(64), { url, sha256: 'a'.repeat(64), compiler: 'gcc 12.2.0' });
  assert.equal(c['bom-ref'], 'bin/busybox-defconfig');
  assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: 'b'.repeat(64) }]);
  assert.deepEqual(c.properties, [{ name: 'rfo:compiler', value: 'gcc 12.2.0' }]);
  const src = c.components?.[0];
  assert.equal(src?.name, url);
  assert.equal(src?.version, '1.37.0');
  assert.deepEqual(src?.hashes, [{ alg: 'SHA-256', content: 'a'.repeat(64) }]);
});
