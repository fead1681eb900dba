// Build failures stop with a typed error that names the component, and never
// leave a directory that looks like a finished artifact or runtime.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { buildArtifact, classifyBuildFailure, readModuleFacts } from '../../src/build/build-artifact.ts';
import { createProgress } from '../../src/build/progress.ts';
import { readToolchain } from '../../src/build/toolchain.ts';
import type { GoBinaryRecipe } from '../../src/versions/recipes.ts';

const node = process.execPath;
const script = join(repoRoot, 'scripts', 'build-runtime.ts');

async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).sort();
  } catch {
    return [];
  }
}

test('without Go on PATH the build stops with RFO_TOOL_MISSING and writes nothing', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'rfo-nogo-'));
  try {
    const r = await run({ cmd: node, args: [script, '--cache-dir', cache], env: { PATH: '/nonexistent', HOME: process.env.HOME ?? '/root' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RFO_TOOL_MISSING.*go is not installed/);
    assert.match(r.stderr, /hint: install Go/);
    assert.deepEqual(await listTree(cache), []);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test('a component that is not in the version table is refused by name', async () => {
  const r = await run({ cmd: node, args: [script, '--only', 'etcd,nosuch', '--cache-dir', '/nonexistent/rfo-cache'] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_VERSION_UNKNOWN.*"nosuch" is not in the version table/);
  const bad = await run({ cmd: node, args: [script, '--arch', 's390x'] });
  assert.match(bad.stderr, /RFO_USAGE.*unsupported --arch s390x/);
});

test('a module version the proxy does not have is RFO_MODULE_NOT_FOUND naming the component', async () => {
  await assert.rejects(readModuleFacts('etcd', 'go.etcd.io/etcd/server/v3', 'v3.99.0', { GOPROXY: 'off' }), {
    code: 'RFO_MODULE_NOT_FOUND',
    message: /^etcd: Go module go\.etcd\.io\/etcd\/server\/v3@v3\.99\.0/,
  });
});

test('compiler output is classified: disk full, missing module, plain failure', () => {
  assert.equal(classifyBuildFailure('helm', 'helm', 'write /x: no space left on device').code, 'RFO_DISK_FULL');
  assert.equal(classifyBuildFailure('helm', 'helm', 'go: example.org/x@v1.0.0: reading https://proxy/x: 403 Forbidden').code, 'RFO_MODULE_NOT_FOUND');
  const plain = classifyBuildFailure('helm', 'helm', 'main.go:3: undefined: x');
  assert.equal(plain.code, 'RFO_BUILD_FAILED');
  assert.match(plain.message, /^helm: building helm failed:\nmain\.go:3: undefined: x/);
});

test('a failed build leaves neither the artifact nor a partial directory', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'rfo-fail-'));
  const broken: GoBinaryRecipe = {
    kind: 'go-binary',
    name: 'etcd',
    component: 'etcd',
    package: 'go.etcd.io/etcd/server/v3/does/not/exist',
    cgo: false,
    tags: [],
    xflags: {},
    versionCheck: { args: [], expect: '' },
  };
  const dir = join(cache, 'artifacts', 'amd64', 'etcd-broken');
  try {
    await mkdir(join(cache, 'artifacts', 'amd64'), { recursive: true });
    await assert.rejects(
      buildArtifact(
        { component: 'etcd', key: 'broken', dir, recipes: [broken], cached: false },
        { arch: 'amd64', toolchain: await readToolchain(), progress: createProgress(() => {}), env: { ...process.env, GOPROXY: 'off' } },
      ),
      (err: Error & { code?: string }) => /^etcd: /.test(err.message) && (err.code === 'RFO_BUILD_FAILED' || err.code === 'RFO_MODULE_NOT_FOUND'),
    );
    assert.deepEqual(await readdir(join(cache, 'artifacts', 'amd64')), []);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});

test('too little free disk stops a cold build before it starts (RFO_DISK_FULL)', async () => {
  const mnt = await mkdtemp(join(tmpdir(), 'rfo-small-'));
  const mounted = await run({ cmd: 'mount', args: ['-t', 'tmpfs', '-o', 'size=64m', 'rfo-test', mnt] });
  assert.equal(mounted.code, 0, `needs root to mount a small tmpfs: ${mounted.stderr}`);
  try {
    const r = await run({ cmd: node, args: [script, '--only', 'etcd', '--cache-dir', join(mnt, 'cache')] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RFO_DISK_FULL\]: only 0\.1 GiB free/);
    assert.deepEqual(await listTree(join(mnt, 'cache')), []);
  } finally {
    await run({ cmd: 'umount', args: [mnt] });
    await rm(mnt, { recursive: true, force: true });
  }
});
