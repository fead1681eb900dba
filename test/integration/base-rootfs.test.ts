// --base-rootfs: images built on another root file system (as an exported
// openEuler base image would be) keep the base's files under ours, and run.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { writeTar } from '../../src/util/tar-writer.ts';
import type { RuntimeManifest, ImageRecord } from '../../src/build/render-manifest.ts';
import { findRuntime } from './helpers/runtime.ts';
import { startContainerd } from './helpers/containerd.ts';

const work = await mkdtemp(join(tmpdir(), 'rfo-base-'));
after(() => rm(work, { recursive: true, force: true }));

async function buildWithBase(base: string) {
  return run({ cmd: process.execPath, args: [join(repoRoot, 'scripts', 'build-runtime.ts'), '--only', 'coredns', '--base-rootfs', base] });
}

test('images built on a base root file system run the base files and ours', async () => {
  // A tiny root file system: Debian's static busybox with a shell and /etc/os-release.
  const rootfs = writeTar([
    { type: 'dir', path: 'bin' },
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'bin/busybox', content: await readFile('/bin/busybox'), mode: 0o755 },
    { type: 'symlink', path: 'bin/sh', target: 'busybox' },
    { type: 'file', path: 'etc/os-release', content: Buffer.from('NAME="openEuler"\nVERSION_ID="24.03"\n') },
  ]);
  const basePath = join(work, 'openeuler-rootfs.tar');
  await writeFile(basePath, rootfs);
  const r = await buildWithBase(basePath);
  assert.equal(r.code, 0, r.stderr);
  const dir = r.stdout.trim().split('\n').at(-1) ?? '';
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as RuntimeManifest;
  const image = manifest.artifacts.find((a): a is ImageRecord => a.kind === 'image');
  assert.ok(image);
  assert.match(image.base, /^openeuler-rootfs\.tar@sha256:[0-9a-f]{64}$/);
  assert.equal(image.layers.length, 2);

  const containerd = await startContainerd(await findRuntime());
  try {
    assert.equal((await containerd.ctr(['-n', 'base-test', 'images', 'import', join(dir, image.path)])).code, 0);
    const out = await containerd.ctr(['-n', 'base-test', 'run', '--rm', '--net-host', image.name, 'base-sh', '/bin/sh', '-c', '. /etc/os-release; echo $NAME; /coredns -version']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^openEuler\nCoreDNS-/);
  } finally {
    await containerd.stop();
  }
});

test('a corrupt base root file system is refused before any runtime is written', async () => {
  const bad = join(work, 'corrupt.tar');
  const good = writeTar([{ type: 'file', path: 'a', content: Buffer.from('a') }]);
  good[20] = 0x7a; // breaks the header checksum
  await writeFile(bad, good);
  const r = await buildWithBase(bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_IMAGE_INVALID\]: base root file system .*corrupt\.tar: bad header checksum/);
  const missing = await buildWithBase(join(work, 'missing.tar'));
  assert.match(missing.stderr, /RFO_USAGE\]: --base-rootfs .*missing\.tar/);
});
