import { test } from 'node:test';
import assert from 'node:assert/strict';
import { debianBinaryComponent, debianPackageComponent, debianPurl, imageComponent } from './sbom.ts';

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

test('a Debian package an image carries (the network policy image: iptables, ipset, glibc) is a pkg:deb library of that image', () => {
  const d = { name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64', sha256: 'c'.repeat(64), license: 'LGPL-2.1-or-later', sourcePackage: 'glibc' };
  const img = imageComponent('docker.io/rfo/kube-router:v2.1.0', `sha256:${'d'.repeat(64)}`, [debianPackageComponent(d)]);
  const lib = img.components?.[0];
  assert.equal(lib?.['bom-ref'], 'image/docker.io/rfo/kube-router:v2.1.0/deb/libc6@2.36-9+deb12u14');
  assert.equal(lib?.purl, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64');
  assert.deepEqual(lib?.hashes, [{ alg: 'SHA-256', content: 'c'.repeat(64) }]);
  assert.deepEqual(lib?.licenses, [{ license: { id: 'LGPL-2.1-or-later' } }]);
  assert.deepEqual(lib?.properties, [{ name: 'rfo:debian-source-package', value: 'glibc' }]);
});
