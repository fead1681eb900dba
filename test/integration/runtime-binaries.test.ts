// The built runtime: every binary runs and reports the pinned version, the
// manifest and checksum file describe exactly the files on disk, and every
// source it names is the one go.sum pins.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findRuntime } from './helpers/runtime.ts';
import { sha256File } from '../../src/util/sha256-file.ts';
import { parseSha256Sums } from '../../src/build/render-manifest.ts';
import type { BinaryRecord } from '../../src/build/render-manifest.ts';
import { parseGoSum } from '../../src/build/gomod.ts';
import { expandPlaceholders } from '../../src/build/render-go-build.ts';
import { binaryRecipes } from '../../src/versions/recipes.ts';
import { components } from '../../src/versions/table.ts';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { readElfMachine } from './helpers/elf.ts';
import { toolIds, toolPaths } from './helpers/tools.ts';

const runtime = await findRuntime();
// Tools (versitygw, cosign, and the lab registry the registries test runs) are not in the runtime; they are checked where they are built.
const tools = await toolPaths([...toolIds, 'lab-registry']);

for (const recipe of binaryRecipes) {
  // npm run conformance checks the suite's own binaries (and its busybox) when it builds them.
  if (recipe.component === 'conformance' || recipe.component === 'conformance-busybox') continue;
  const component = components[recipe.component];
  const expect = expandPlaceholders(recipe.versionCheck.expect, component, '');
  test(`${recipe.name} reports ${expect}`, async () => {
    const result = await run({ cmd: tools[recipe.name] ?? runtime.bin(recipe.name), args: [...recipe.versionCheck.args], env: { PATH: '/usr/bin:/bin' } });
    const out = result.stdout + result.stderr;
    assert.ok(out.includes(expect), `${recipe.name} ${recipe.versionCheck.args.join(' ')} printed:\n${out}`);
    assert.doesNotMatch(out, /v0\.0\.0-master|\+\$Format/, 'version stamping must replace upstream placeholders');
  });
}

test('every Kubernetes component answers through its symlink with the pinned version', async () => {
  for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy']) {
    assert.equal(await readlink(runtime.bin(name)), 'kubernetes');
    const result = await run({ cmd: runtime.bin(name), args: ['--version'] });
    assert.equal(result.stdout.trim(), `Kubernetes ${components.kubernetes.version}`, name);
  }
  const kubectl = await run({ cmd: runtime.bin('kubectl'), args: ['version', '--client'] });
  assert.match(kubectl.stdout, new RegExp(`Client Version: ${components.kubernetes.version.replaceAll('.', '\\.')}`));
});

test('sha256sum file and manifest match the files on disk', async () => {
  const sums = parseSha256Sums(await readFile(join(runtime.dir, `sha256sum-${runtime.manifest.arch}.txt`), 'utf8'));
  assert.equal(sums.size, runtime.manifest.artifacts.length);
  for (const artifact of runtime.manifest.artifacts) {
    const path = join(runtime.dir, artifact.path);
    assert.equal(await sha256File(path), artifact.sha256, artifact.path);
    assert.equal((await stat(path)).size, artifact.size, artifact.path);
    assert.equal(sums.get(artifact.path), artifact.sha256);
  }
  const files = await readdir(join(runtime.dir, 'bin'));
  const listed = new Set(runtime.manifest.artifacts.flatMap((a) => (a.kind === 'binary' ? [a.name, ...a.aliases] : [])));
  assert.deepEqual(files.sort(), [...listed].sort(), 'bin/ holds exactly the listed binaries and aliases');
});

test('manifest sources are the modules and hashes go.sum pins, built by the recorded toolchain', async () => {
  assert.equal(runtime.manifest.rfoVersion, `${components.kubernetes.version}+rfor1`);
  for (const artifact of runtime.manifest.artifacts.filter((a): a is BinaryRecord => a.kind === 'binary')) {
    assert.equal(artifact.version, components[artifact.component as keyof typeof components].version);
    const src = artifact.source;
    if (src.type === 'debian-package') {
      // Taken from the pinned .deb (busybox): the package, version and hash the version table pins.
      const pin = components[artifact.component as keyof typeof components].debian;
      assert.equal(src.package, pin?.package);
      assert.equal(src.version, pin?.version);
      assert.equal(src.debSha256, pin?.sha256[runtime.manifest.arch], `${artifact.name}: the .deb hash must be the pinned one`);
      continue;
    }
    // Tarball-built binaries (conformance busybox) are test tools, never staged.
    assert.notEqual(src.type, 'source-tarball', `${artifact.name}: no runtime binary is built from a tarball`);
    if (src.type === 'source-tarball') continue;
    const owner = src.type === 'c-source' ? 'kubernetes' : artifact.component;
    const sums = parseGoSum(await readFile(join(repoRoot, 'go', owner, 'go.sum'), 'utf8'));
    assert.equal(src.sum, sums.get(`${src.module}@${src.version}`), `${artifact.name}: source hash must be go.sum's`);
    assert.match(src.sum, /^h1:/);
    if (src.type === 'go-module') assert.equal(artifact.goVersion, runtime.manifest.toolchain.go);
    else {
      assert.equal(src.file, 'build/pause/linux/pause.c');
      assert.match(src.fileSha256, /^[0-9a-f]{64}$/);
      assert.equal(artifact.compiler, runtime.manifest.toolchain.cc);
    }
  }
});

test('binaries are amd64 ELF executables, static where built with cgo or C', async () => {
  for (const name of ['kubernetes', 'etcd', 'containerd', 'runc', 'pause', 'flanneld']) {
    assert.equal(await readElfMachine(runtime.bin(name)), 'amd64', name);
  }
  for (const name of ['runc', 'pause', 'flanneld']) {
    const ldd = await run({ cmd: 'ldd', args: [runtime.bin(name)] });
    assert.match(ldd.stdout + ldd.stderr, /not a dynamic executable|statically linked/, `${name} must be static`);
  }
});
