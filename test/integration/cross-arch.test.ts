// Cross builds: pure-Go components compile for arm64 and riscv64 (openEuler
// ships on both) with no C cross toolchain installed (this runs in npm test;
// runc and pause, which need Debian's cross compilers, and running the
// binaries under qemu are in the optional npm run test:cross). Their ELF
// headers name the target machine. flanneld covers the "cgo on amd64 only" case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import type { RuntimeManifest } from '../../src/build/render-manifest.ts';
import { readElfMachine } from './helpers/elf.ts';

for (const arch of ['arm64', 'riscv64'] as const) {
  test(`--arch ${arch} cross-compiles pure-Go components`, { timeout: 20 * 60_000 }, async () => {
    const r = await run({ cmd: process.execPath, args: [join(repoRoot, 'scripts', 'build-runtime.ts'), '--arch', arch, '--only', 'cni-plugins,flannel'] });
    assert.equal(r.code, 0, r.stderr);
    const dir = r.stdout.trim().split('\n').at(-1) ?? '';
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as RuntimeManifest;
    assert.equal(manifest.arch, arch);
    assert.deepEqual(manifest.skipped, []);
    const binaries = manifest.artifacts.filter((a) => a.kind === 'binary').map((a) => a.name).sort();
    assert.deepEqual(binaries, ['bandwidth', 'bridge', 'flanneld', 'host-local', 'loopback', 'portmap']);
    for (const name of binaries) assert.equal(await readElfMachine(join(dir, 'bin', name)), arch, name);
    const flannel = manifest.artifacts.find((a) => a.name === 'flanneld');
    assert.ok(flannel?.kind === 'binary');
    assert.deepEqual((flannel.buildFlags.env as Record<string, string>).CGO_ENABLED, '0');
  });
}
