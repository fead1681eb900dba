import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianBinaryComponent, debianPurl } from './sbom.ts';

const source = { package: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'amd64', debSha256: 'a'.repeat(64), file: '/bin/busybox' };

test('a binary from a Debian package nests the .deb as a pkg:deb component with its hash', () => {
  assert.equal(debianPurl(source), 'pkg:deb/debian/busybox-static@1%3A1.35.0-4%2Bdeb12u1%2Bb1?arch=amd64');
  const c = debianBinaryComponent('busybox', '1.35.0', 'b'.repeat(64), source);
  assert.equal(c['bom-ref'], 'bin/busybox');
  assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: 'b'.repeat(64) }]);
  assert.deepEqual(c.properties, [{ name: 'rfo:debian-file', value: '/bin/busybox' }]);
  const deb = c.components?.[0];
  assert.equal(deb?.name, 'busybox-static');
  assert.equal(deb?.version, '1:1.35.0-4+deb12u1+b1');
  assert.equal(deb?.purl, debianPurl(source));
  assert.deepEqual(deb?.hashes, [{ alg: 'SHA-256', content: 'a'.repeat(64) }]);
});
