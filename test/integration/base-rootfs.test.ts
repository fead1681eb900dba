// --base-rootfs: images built on another root file system (as an exported
// openEuler base image would be) keep the base's files under ours, and run.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { writeTar } from '../../src/util/tar-writer.ts';
import type { TarEntry } from '../../src/util/tar-writer.ts';
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

/** A base with an RPM database (sqlite, as openEuler has) holding one package, made with rpmbuild and rpm --justdb. */
async function rootfsWithRpmDb(): Promise<Buffer> {
  const top = join(work, 'rpmbuild');
  const spec = join(work, 'release.spec');
  await writeFile(spec, 'Name: openEuler-release\nVersion: 24.03\nRelease: 1.oe2403\nSummary: t\nLicense: MIT\nBuildArch: noarch\n%description\nt\n%files\n');
  const built = await run({ cmd: 'rpmbuild', args: ['-bb', '--quiet', '--define', `_topdir ${top}`, spec] });
  assert.equal(built.code, 0, built.stderr);
  const rpmFile = join(top, 'RPMS', 'noarch', 'openEuler-release-24.03-1.oe2403.noarch.rpm');
  const db = join(work, 'root', 'var', 'lib', 'rpm');
  assert.equal((await run({ cmd: 'rpm', args: ['--dbpath', db, '--initdb'] })).code, 0);
  const installed = await run({ cmd: 'rpm', args: ['-i', '--justdb', '--nodeps', '--noscripts', '--dbpath', db, rpmFile] });
  assert.equal(installed.code, 0, installed.stderr);
  const entries: TarEntry[] = [{ type: 'dir', path: 'var' }, { type: 'dir', path: 'var/lib' }, { type: 'dir', path: 'var/lib/rpm' }];
  for (const f of await readdir(db)) entries.push({ type: 'file', path: `var/lib/rpm/${f}`, content: await readFile(join(db, f)) });
  return writeTar([{ type: 'dir', path: 'bin' }, { type: 'file', path: 'bin/busybox', content: await readFile('/bin/busybox'), mode: 0o755 }, ...entries]);
}

test('the scan of an image on a base root file system covers its Go binaries and names the RPM packages it does not cover', { timeout: 600_000 }, async () => {
  const basePath = join(work, 'openeuler-with-rpmdb.tar');
  await writeFile(basePath, await rootfsWithRpmDb());
  const r = await buildWithBase(basePath);
  assert.equal(r.code, 0, r.stderr);
  const dir = r.stdout.trim().split('\n').at(-1) ?? '';
  const out = join(work, 'scan');
  // Exit 0 or 1 (the gate) both write the report; what matters here is what it says about the image.
  const scan = await run({ cmd: process.execPath, args: [join(repoRoot, 'scripts', 'scan.ts'), '--runtime-dir', dir, '--out', out, '--no-tools'] });
  assert.ok(scan.code === 0 || /RFO_VULNERABLE/.test(scan.stderr), scan.stderr);
  const report = JSON.parse(await readFile(join(out, 'vulnerability-report-amd64.json'), 'utf8')) as {
    images: { ref: string; binaries: { path: string; artifact: string }[]; otherExecutables: string[]; osPackages?: { covered: boolean; source: string; packages: string[] } }[];
  };
  const image = report.images.find((i) => i.ref.includes('coredns'));
  assert.ok(image, 'the coredns image is in the report');
  assert.deepEqual(image.binaries.map((b) => [b.path, b.artifact]), [['/coredns', 'coredns']], 'the image binary is the scanned runtime binary (same sha256)');
  assert.deepEqual(image.otherExecutables, ['/bin/busybox'], 'a C binary in the base is named, not scanned');
  assert.equal(image.osPackages?.covered, false);
  assert.match(image.osPackages?.source ?? '', /^\/var\/lib\/rpm\/ \(RPM database\)$/);
  assert.deepEqual(image.osPackages?.packages, ['openEuler-release-24.03-1.oe2403.noarch']);
  assert.match(await readFile(join(out, 'vulnerability-report-amd64.txt'), 'utf8'), /OS packages are NOT covered by this scan/);
});
