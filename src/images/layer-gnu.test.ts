// Layers and archives as GNU tar sees them: containerd unpacks layers with
// Go's archive/tar, which follows the same PAX rules, so GNU tar extracting
// them correctly is a cheap stand-in check that needs no daemon.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage } from './build-image.ts';
import { buildImageArchive } from './write-archive.ts';

const longPath = `/usr/share/${'very-long-directory-name-'.repeat(6)}/${'x'.repeat(120)}.conf`;
const image = buildImage({
  ref: 'registry.k8s.io/coredns/coredns:v1.14.7',
  arch: 'amd64',
  files: [
    { path: '/coredns', content: Buffer.from('#!/bin/sh\necho coredns\n'), mode: 0o755 },
    { path: longPath, content: Buffer.from('long-named file content\n'), mode: 0o640 },
  ],
  symlinks: [{ path: '/usr/bin/coredns', target: '/coredns' }],
  dirs: [{ path: '/tmp', mode: 0o1777 }],
  config: { entrypoint: ['/coredns'] },
});

const tar = (args: string[]) => execFileSync('tar', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('GNU tar extracts an image layer: long names, modes, symlinks, sticky directories', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-layer-'));
  try {
    await writeFile(join(dir, 'layer.tar'), image.layers[0]?.data ?? Buffer.alloc(0));
    await mkdir(join(dir, 'rootfs'));
    tar(['-xpf', join(dir, 'layer.tar'), '-C', join(dir, 'rootfs')]);
    const root = (p: string) => join(dir, 'rootfs', p);
    assert.ok(longPath.length > 255);
    assert.equal(await readFile(root(longPath), 'utf8'), 'long-named file content\n');
    assert.equal((await stat(root(longPath))).mode & 0o7777, 0o640);
    assert.equal((await stat(root('coredns'))).mode & 0o7777, 0o755);
    assert.equal((await stat(root('tmp'))).mode & 0o7777, 0o1777);
    assert.equal(await readlink(root('usr/bin/coredns')), '/coredns');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('GNU tar lists an image archive: layout files first, then every blob', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-archive-'));
  try {
    await writeFile(join(dir, 'images.tar'), buildImageArchive([image]).bytes);
    const names = tar(['-tf', join(dir, 'images.tar')]).trimEnd().split('\n');
    const blobs = [image.manifest, image.config, ...image.layers].map((b) => `blobs/sha256/${b.digest.slice(7)}`).sort();
    assert.deepEqual(names, ['oci-layout', 'index.json', 'manifest.json', 'blobs/', 'blobs/sha256/', ...blobs]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
