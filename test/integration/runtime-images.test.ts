// The runtime's images, imported into the runtime's own containerd and run
// with its own runc: the archives are real, correctly named images.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRuntime } from './helpers/runtime.ts';
import { startContainerd } from './helpers/containerd.ts';
import type { TestContainerd } from './helpers/containerd.ts';
import { readImageArchive } from '../../src/images/read-archive.ts';
import { airgapFileName } from '../../src/build/build-images.ts';
import type { ImageRecord } from '../../src/build/render-manifest.ts';
import { components } from '../../src/versions/table.ts';

const runtime = await findRuntime();
const images = runtime.manifest.artifacts.filter((a): a is ImageRecord => a.kind === 'image');
const byComponent = (c: string) => {
  const image = images.find((i) => i.component === c);
  assert.ok(image, `runtime has no ${c} image`);
  return image;
};
let containerd: TestContainerd;

before(async () => {
  containerd = await startContainerd(runtime);
});
after(async () => {
  await containerd?.stop();
});

test('the airgap bundle holds every image and verifies', async () => {
  const bundle = readImageArchive(await readFile(join(runtime.dir, 'images', airgapFileName(runtime.manifest.arch))));
  assert.deepEqual(bundle.map((i) => i.ref).sort(), images.map((i) => i.name).sort());
  for (const image of images) assert.equal(bundle.find((b) => b.ref === image.name)?.manifestDigest, image.digest);
});

test('ctr imports the airgap bundle under the exact references, with our digests', async () => {
  const imported = await containerd.ctr(['-n', 'k8s.io', 'images', 'import', join(runtime.dir, 'images', airgapFileName(runtime.manifest.arch))]);
  assert.equal(imported.code, 0, imported.stderr);
  const list = await containerd.ctr(['-n', 'k8s.io', 'images', 'ls']);
  for (const image of images) {
    const line = list.stdout.split('\n').find((l) => l.startsWith(`${image.name} `));
    assert.ok(line, `${image.name} not listed:\n${list.stdout}`);
    assert.ok(line.includes(image.digest), `${image.name} digest differs: ${line}`);
  }
});

test('the pause image runs as a container and stays up until killed', async () => {
  const pause = byComponent('pause');
  const imported = await containerd.ctr(['-n', 'rfo-test', 'images', 'import', join(runtime.dir, pause.path)]);
  assert.equal(imported.code, 0, imported.stderr);
  const started = await containerd.ctr(['-n', 'rfo-test', 'run', '-d', '--net-host', pause.name, 'pause-test']);
  assert.equal(started.code, 0, started.stderr);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const tasks = await containerd.ctr(['-n', 'rfo-test', 'tasks', 'ls']);
    assert.match(tasks.stdout, /pause-test\s+\d+\s+RUNNING/);
  } finally {
    await containerd.ctr(['-n', 'rfo-test', 'tasks', 'kill', '-s', 'SIGKILL', 'pause-test']);
    await new Promise((r) => setTimeout(r, 500));
    await containerd.ctr(['-n', 'rfo-test', 'tasks', 'delete', '-f', 'pause-test']);
    await containerd.ctr(['-n', 'rfo-test', 'containers', 'delete', 'pause-test']);
  }
});

test('the CoreDNS image runs its binary and reports the pinned version', async () => {
  const coredns = byComponent('coredns');
  const imported = await containerd.ctr(['-n', 'rfo-test', 'images', 'import', join(runtime.dir, coredns.path)]);
  assert.equal(imported.code, 0, imported.stderr);
  const out = await containerd.ctr(['-n', 'rfo-test', 'run', '--rm', '--net-host', coredns.name, 'coredns-test', '/coredns', '-version']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, new RegExp(`CoreDNS-${components.coredns.version.slice(1).replaceAll('.', '\\.')}`));
});

test('CoreDNS binds port 53 as its non-root image user (file capability in the layer)', async () => {
  const coredns = byComponent('coredns');
  // No --net-host: a private network namespace, so port 53 is free. Without the
  // security.capability xattr the bind fails and the task exits at once.
  const started = await containerd.ctr(['-n', 'rfo-test', 'run', '-d', coredns.name, 'coredns-bind', '/coredns', '-dns.port', '53']);
  assert.equal(started.code, 0, started.stderr);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const tasks = await containerd.ctr(['-n', 'rfo-test', 'tasks', 'ls']);
    assert.match(tasks.stdout, /coredns-bind\s+\d+\s+RUNNING/, tasks.stdout);
  } finally {
    await containerd.ctr(['-n', 'rfo-test', 'tasks', 'kill', '-s', 'SIGKILL', 'coredns-bind']);
    await new Promise((r) => setTimeout(r, 500));
    await containerd.ctr(['-n', 'rfo-test', 'tasks', 'delete', '-f', 'coredns-bind']);
    await containerd.ctr(['-n', 'rfo-test', 'containers', 'delete', 'coredns-bind']);
  }
});
