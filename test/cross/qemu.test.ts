// npm run test:cross — optional, not part of npm test/.ci/run: it installs
// Debian's cross compilers, qemu-user-static and qemu-system-arm (with
// scripts/setup-cross.sh) and cross-builds the whole arm64 and riscv64
// runtimes (Kubernetes, etcd, containerd, runc, the CNI plugins, flanneld,
// the add-ons...; ~30 min each on 2 cores when cold, cached by input like
// every artifact). What runs emulated:
//   - qemu-user (Debian's qemu-user-static): every arm64 and riscv64 binary
//     built here (and arm64 busybox, taken from Debian's busybox-static:arm64)
//     answers its version check; runc also `spec` and `features`;
//   - qemu-system-aarch64 (TCG, Debian's arm64 kernel, busybox initramfs):
//     the arm64 runc runs the arm64 pause image with a seccomp filter, is
//     killed with TERM and deleted. runc cannot run containers under
//     qemu-user: its nsexec forks with clone(CLONE_PARENT), which qemu-user
//     refuses (EINVAL, "unable to spawn stage-1");
//   - binfmt_misc: the multi-arch pause archive (one OCI index for amd64,
//     arm64 and riscv64) imported with `ctr images import --all-platforms`
//     into the amd64 containerd, run as amd64 and, with --platform
//     linux/arm64, as arm64 (the amd64 runc starts /pause, which the kernel
//     hands to qemu-aarch64 through our binfmt registration).
//   - qemu-user again: the riscv64 etcd refuses to start without
//     ETCD_UNSUPPORTED_ARCH and serves (health, a put from the amd64
//     etcdctl) with the environment rfo's plan gives it;
// binfmt registrations are ours (rfo-test-<arch>) and removed afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { defaultCacheDir, repoRoot } from '../../src/build/paths.ts';
import { expandPlaceholders } from '../../src/build/render-go-build.ts';
import type { BinaryRecord, RuntimeManifest } from '../../src/build/render-manifest.ts';
import { indexByReference } from '../../src/images/image-index.ts';
import { readImages } from '../../src/images/read-archive.ts';
import { writeImageArchive } from '../../src/images/write-archive.ts';
import { etcdArchEnv } from '../../src/components/plan-control-plane.ts';
import { binaryRecipes } from '../../src/versions/recipes.ts';
import { components } from '../../src/versions/table.ts';
import { readElfMachine } from '../integration/helpers/elf.ts';
import { startContainerd } from '../integration/helpers/containerd.ts';
import type { TestContainerd } from '../integration/helpers/containerd.ts';
import { registerQemu, registeredNames } from './helpers/binfmt.ts';
import type { BinfmtRegistration } from './helpers/binfmt.ts';
import { findVmFiles, runPauseInVm } from './helpers/arm64-vm.ts';

const qemuUser: Record<string, string> = { arm64: 'qemu-aarch64-static', riscv64: 'qemu-riscv64-static' };
const seccompArch: Record<string, string> = { arm64: 'SCMP_ARCH_AARCH64', riscv64: 'SCMP_ARCH_RISCV64' };

interface Runtime {
  readonly dir: string;
  readonly manifest: RuntimeManifest;
}

async function setupCross(args: string[]): Promise<void> {
  const started = Date.now();
  const r = await run({ cmd: 'bash', args: [join(repoRoot, 'scripts', 'setup-cross.sh'), ...args] });
  assert.equal(r.code, 0, r.stderr);
  process.stderr.write(`# setup-cross ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function buildRuntime(args: string[]): Promise<Runtime> {
  const started = Date.now();
  const r = await run({ cmd: process.execPath, args: [join(repoRoot, 'scripts', 'build-runtime.ts'), ...args] });
  assert.equal(r.code, 0, r.stderr);
  process.stderr.write(`# build:runtime ${args.join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const dir = r.stdout.trim().split('\n').at(-1) ?? '';
  return { dir, manifest: JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as RuntimeManifest };
}

const runtimes: Record<string, Runtime> = {};
let binfmt: BinfmtRegistration | undefined;
let registeredBefore: string[] = [];

before(async () => {
  await setupCross(['arm64', '--qemu', '--vm']);
  await setupCross(['riscv64', '--qemu']);
  // busybox: Debian's busybox-static:arm64 (bookworm has none for riscv64).
  runtimes.arm64 = await buildRuntime(['--arch', 'arm64']);
  runtimes.riscv64 = await buildRuntime(['--arch', 'riscv64']);
  // etcd too: its etcdctl (amd64) talks to the emulated riscv64 etcd.
  runtimes.amd64 = await buildRuntime(['--only', 'containerd,runc,pause,etcd']);
  registeredBefore = await registeredNames();
  binfmt = await registerQemu(['arm64', 'riscv64']);
});

after(async () => {
  await binfmt?.remove();
  assert.deepEqual(await registeredNames(), registeredBefore, 'the binfmt registrations the test added are gone');
});

for (const arch of ['arm64', 'riscv64'] as const) {
  test(`every ${arch} binary answers its version check under qemu-user`, async (t) => {
    const { dir, manifest } = runtimes[arch] ?? assert.fail('no runtime');
    assert.equal(manifest.arch, arch);
    const binaries = manifest.artifacts.filter((a): a is BinaryRecord => a.kind === 'binary');
    // Every binary the amd64 runtime has; busybox comes from Debian, which has no riscv64 release.
    const expected = ['bandwidth', 'bridge', 'containerd', 'containerd-shim-runc-v2', 'coredns', 'crictl', 'ctr', 'etcd', 'etcdctl', 'etcdutl', 'flanneld', 'helm', 'helm-controller', 'host-local', 'kube-router', 'kubernetes', 'local-path-provisioner', 'loopback', 'metrics-server', 'pause', 'portmap', 'runc', 'traefik', ...(arch === 'arm64' ? ['busybox'] : [])];
    assert.deepEqual(binaries.map((b) => b.name).sort(), expected.sort());
    for (const b of binaries) {
      const path = join(dir, b.path);
      assert.equal(await readElfMachine(path), arch, b.name);
      const recipe = binaryRecipes.find((r) => r.name === b.name) ?? assert.fail(b.name);
      const expect = expandPlaceholders(recipe.versionCheck.expect, components[recipe.component], '');
      // With the environment rfo gives the component (etcd refuses riscv64 without ETCD_UNSUPPORTED_ARCH).
      const r = await run({ cmd: qemuUser[arch] ?? '', args: [path, ...recipe.versionCheck.args], env: { ...process.env, ...etcdArchEnv(arch) } });
      const out = `${r.stdout}${r.stderr}`;
      // Exit 0 too: a refusal's stack trace also names the module version (etcd's did: go.etcd.io/etcd/server/v3@v3.6.16).
      assert.ok(r.code === 0 && out.includes(expect), `${b.name} ${recipe.versionCheck.args.join(' ')} under ${qemuUser[arch]} (exit ${r.code}): ${out}`);
      t.diagnostic(`${qemuUser[arch]} bin/${b.name} ${recipe.versionCheck.args.join(' ')} → ${out.trim().split('\n')[0]}`);
      // A multi-call binary (Kubernetes): every program it is, not only the one its version check names.
      for (const alias of recipe.kind === 'go-binary' ? (recipe.aliases ?? []) : []) {
        // kubectl has no --version flag; it prints `Client Version: v1.36.3`.
        const versionArgs = alias === 'kubectl' ? ['version', '--client'] : ['--version'];
        const a = await run({ cmd: qemuUser[arch] ?? '', args: [path, alias, ...versionArgs] });
        const aliasOut = `${a.stdout}${a.stderr}`;
        assert.ok(aliasOut.includes(components.kubernetes.version), `${b.name} ${alias} ${versionArgs.join(' ')} under ${qemuUser[arch]}: ${aliasOut}`);
        t.diagnostic(`${qemuUser[arch]} bin/${b.name} ${alias} ${versionArgs.join(' ')} → ${aliasOut.trim().split('\n')[0]}`);
      }
    }
    // runc was linked with libseccomp for this arch, and knows it.
    const runc = binaries.find((b) => b.name === 'runc') ?? assert.fail('runc');
    assert.match(runc.libraries?.libseccomp ?? '', /libseccomp.* 2\.5\.4/);
    assert.equal((runc.buildFlags.env as Record<string, string>).CC, arch === 'arm64' ? 'aarch64-linux-gnu-gcc' : 'riscv64-linux-gnu-gcc');
    const version = await run({ cmd: qemuUser[arch] ?? '', args: [join(dir, 'bin', 'runc'), '--version'] });
    assert.match(version.stdout, /libseccomp: 2\.5\.4/);
    const features = JSON.parse((await run({ cmd: qemuUser[arch] ?? '', args: [join(dir, 'bin', 'runc'), 'features'] })).stdout) as { linux?: { seccomp?: { enabled?: boolean; archs?: string[] } } };
    assert.equal(features.linux?.seccomp?.enabled, true);
    assert.ok(features.linux.seccomp.archs?.includes(seccompArch[arch] ?? ''), JSON.stringify(features.linux.seccomp.archs));
  });
}

test('the arm64 network policy image runs its iptables and ipset on its own libraries (chroot + qemu-user)', async (t) => {
  const { dir, manifest } = runtimes.arm64 ?? assert.fail('no arm64 runtime');
  // The image and its chart are in the arm64 runtime, as on amd64: arm64 nodes enforce NetworkPolicy.
  assert.ok(manifest.artifacts.some((a) => a.kind === 'chart' && a.name === 'rfo-network-policy'));
  const work = await mkdtemp('/var/tmp/rfo-kube-router-arm64-');
  try {
    const root = join(work, 'root');
    const untar = async (file: string, into: string) => assert.equal((await run({ cmd: 'tar', args: ['-xf', file, '-C', into] })).code, 0, file);
    await untar(join(dir, 'images', 'kube-router.tar'), work);
    const index = JSON.parse(await readFile(join(work, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const blob = (digest: string) => join(work, 'blobs', ...digest.split(':'));
    const image = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string }[] };
    await mkdir(root);
    for (const layer of image.layers) await untar(blob(layer.digest), root);
    // In a chroot nothing of the host can stand in: the image's own loader, libc and libraries.
    await copyFile((await run({ cmd: 'sh', args: ['-c', `command -v ${qemuUser.arm64}`] })).stdout.trim(), join(root, 'qemu'));
    const inImage = (...args: string[]) => run({ cmd: 'chroot', args: [root, '/qemu', ...args] });
    const iptables = await inImage('/usr/sbin/xtables-legacy-multi', 'iptables', '--version');
    assert.equal(iptables.code, 0, iptables.stderr);
    assert.match(iptables.stdout, /^iptables v1\.8\.9 \(legacy\)/);
    // ipset prints its version, then fails to open a netlink session: qemu-user has no netfilter netlink.
    const ipset = await inImage('/usr/sbin/ipset', '--version');
    assert.match(ipset.stdout, /^ipset v7\.17, protocol version: 7/, ipset.stderr);
    t.diagnostic(`chroot + ${qemuUser.arm64}: ${iptables.stdout.trim()}; ${ipset.stdout.trim()}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

/** `runc spec` (under qemu-user) made into a pause container: its user, a read-only root, a seccomp filter. */
async function pauseBundleConfig(arch: string, runcPath: string): Promise<Buffer> {
  const work = await mkdtemp('/var/tmp/rfo-spec-');
  try {
    const r = await run({ cmd: qemuUser[arch] ?? '', args: [runcPath, 'spec', '--bundle', work] });
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(await readFile(join(work, 'config.json'), 'utf8')) as { process: Record<string, unknown>; root: Record<string, unknown>; linux: Record<string, unknown> };
    config.process.args = ['/pause'];
    config.process.terminal = false;
    config.process.user = { uid: 65535, gid: 65535 };
    config.root.readonly = true;
    // Loaded by runc through libseccomp: the arm64 build's static libseccomp at work.
    config.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: [seccompArch[arch]], syscalls: [{ names: ['mkdirat', 'unshare'], action: 'SCMP_ACT_ERRNO' }] };
    return Buffer.from(JSON.stringify(config, null, 2));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

test('the arm64 pause image runs under the arm64 runc on an emulated arm64 machine', { timeout: 10 * 60_000 }, async (t) => {
  const { dir } = runtimes.arm64 ?? assert.fail('no arm64 runtime');
  const vm = await findVmFiles(defaultCacheDir());
  const config = await pauseBundleConfig('arm64', join(dir, 'bin', 'runc'));
  const result = await runPauseInVm(vm, join(dir, 'bin', 'runc'), config, await readFile(join(dir, 'images', 'pause.tar')), 8 * 60_000);
  t.diagnostic(`qemu-system-aarch64 (${vm.kernelPackage}) booted and ran the container in ${result.seconds} s`);
  for (const [k, v] of result.report) t.diagnostic(`${k}: ${v}`);
  const report = result.report;
  assert.match(report.get('machine') ?? '', /^aarch64 /, result.console.slice(-3000));
  assert.equal(report.get('run exit'), '0', result.console.slice(-3000));
  assert.match(report.get('state') ?? '', /"status":"running"/);
  // Seccomp 2: the filter runc built with the static libseccomp is on the process.
  assert.match(report.get('process') ?? '', /^\/pause uid=65535 seccomp=2 exe=\/pause$/);
  assert.match(report.get('after TERM') ?? '', /"status":"stopped"/);
  assert.match(report.get('pause output') ?? '', /Shutting down, got signal: Terminated/);
  assert.equal(report.get('delete'), 'ok', result.console.slice(-3000));
});

let containerd: TestContainerd | undefined;
after(async () => {
  await containerd?.stop();
});

test('one reference serves every arch: the multi-arch archive imports with --all-platforms and runs as amd64 and arm64', { timeout: 5 * 60_000 }, async (t) => {
  const perArch = await Promise.all(['amd64', 'arm64', 'riscv64'].map(async (arch) => readImages(await readFile(join(runtimes[arch]?.dir ?? '', 'images', 'pause.tar')))));
  const multi = indexByReference(perArch.flat().map((i) => i.built));
  assert.equal(multi.length, 1);
  const [pause] = multi;
  assert.ok(pause);
  const work = await mkdtemp('/var/tmp/rfo-multiarch-');
  try {
    const archive = join(work, 'pause.multiarch.tar');
    await writeImageArchive(archive, multi);
    const amd64 = runtimes.amd64 ?? assert.fail('no amd64 runtime');
    containerd = await startContainerd({ dir: amd64.dir, manifest: amd64.manifest, bin: (name) => join(amd64.dir, 'bin', name) });
    const ns = ['-n', 'rfo-multiarch'];
    const imported = await containerd.ctr([...ns, 'images', 'import', '--all-platforms', archive]);
    assert.equal(imported.code, 0, imported.stderr);
    const list = (await containerd.ctr([...ns, 'images', 'ls'])).stdout;
    t.diagnostic(list.trim());
    const line = list.split('\n').find((l) => l.startsWith(`${pause.ref} `)) ?? assert.fail(list);
    assert.ok(line.includes(pause.index.digest), 'the reference names the index');
    assert.ok(line.includes('application/vnd.oci.image.index.v1+json'));
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/riscv64']) assert.ok(line.includes(p), `${p} in ${line}`);
    // Every platform's content is in the store (--all-platforms took the whole index).
    for (const image of pause.images) {
      const info = await containerd.ctr([...ns, 'content', 'get', image.config.digest]);
      assert.equal(info.code, 0, `${image.arch} config in the content store: ${info.stderr}`);
    }
    // A plain import (no --all-platforms) takes the same archive and names the same index.
    const plainNs = ['-n', 'rfo-multiarch-plain'];
    const plain = await containerd.ctr([...plainNs, 'images', 'import', archive]);
    assert.equal(plain.code, 0, plain.stderr);
    const plainLine = (await containerd.ctr([...plainNs, 'images', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${pause.ref} `)) ?? '';
    assert.ok(plainLine.includes(pause.index.digest), plainLine);
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const id = `pause-${platform.split('/')[1]}`;
      const started = await containerd.ctr([...ns, 'run', '-d', '--platform', platform, pause.ref, id]);
      assert.equal(started.code, 0, started.stderr);
      try {
        let tasks = '';
        for (let i = 0; i < 50 && !/RUNNING/.test(tasks); i++) {
          tasks = (await containerd.ctr([...ns, 'tasks', 'ls'])).stdout;
          await new Promise((r) => setTimeout(r, 200));
        }
        const row = tasks.split('\n').find((l) => l.startsWith(id)) ?? '';
        assert.match(row, /RUNNING/, tasks);
        const pid = row.trim().split(/\s+/)[1] ?? '';
        const exe = await readElfMachine(`/proc/${pid}/exe`).catch(() => 'unreadable');
        // Under binfmt the task's process is qemu (amd64) running /pause (arm64); /proc/<pid>/cmdline shows which.
        const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
        t.diagnostic(`${platform}: task ${pid} RUNNING, exe machine ${exe}, cmdline ${cmdline}`);
        if (platform === 'linux/arm64') assert.match(cmdline, /qemu-binfmt\/aarch64-binfmt-P|qemu-aarch64/, 'the arm64 /pause runs through qemu via binfmt');
        else assert.equal(cmdline, '/pause');
      } finally {
        await containerd.ctr([...ns, 'tasks', 'kill', '-s', 'SIGKILL', id]);
        await new Promise((r) => setTimeout(r, 500));
        await containerd.ctr([...ns, 'tasks', 'delete', '-f', id]);
        await containerd.ctr([...ns, 'containers', 'delete', id]);
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('the binfmt registrations are the test own (named rfo-test-<arch>)', async () => {
  assert.deepEqual(binfmt?.names, ['rfo-test-arm64', 'rfo-test-riscv64']);
  for (const name of binfmt?.names ?? []) assert.match(await readFile(`/proc/sys/fs/binfmt_misc/${name}`, 'utf8'), /^enabled\n/);
});

test('the riscv64 etcd refuses to start without ETCD_UNSUPPORTED_ARCH and serves with the environment rfo gives it', { timeout: 5 * 60_000 }, async (t) => {
  const { dir } = runtimes.riscv64 ?? assert.fail('no riscv64 runtime');
  const work = await mkdtemp('/var/tmp/rfo-etcd-riscv64-');
  const etcdArgs = [join(dir, 'bin', 'etcd'), '--data-dir', join(work, 'data'), '--listen-client-urls', 'http://127.0.0.1:23791', '--advertise-client-urls', 'http://127.0.0.1:23791', '--listen-peer-urls', 'http://127.0.0.1:23801', '--initial-advertise-peer-urls', 'http://127.0.0.1:23801', '--initial-cluster', 'default=http://127.0.0.1:23801'];
  try {
    const refused = await run({ cmd: qemuUser.riscv64 ?? '', args: etcdArgs });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Refusing to run etcd on unsupported architecture/);
    // The same environment rfo's plan gives etcd on a riscv64 runtime.
    const env = { ...process.env, ...etcdArchEnv('riscv64') };
    assert.equal(env.ETCD_UNSUPPORTED_ARCH, 'riscv64');
    const etcd = spawn(qemuUser.riscv64 ?? '', etcdArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    etcd.stderr.on('data', (d: Buffer) => (log += d.toString()));
    try {
      const amd64Etcdctl = join(runtimes.amd64?.dir ?? '', 'bin', 'etcdctl');
      let health = '';
      for (let i = 0; i < 120 && !/is healthy/.test(health); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const h = await run({ cmd: amd64Etcdctl, args: ['--endpoints', 'http://127.0.0.1:23791', 'endpoint', 'health'] });
        health = `${h.stdout}${h.stderr}`;
      }
      assert.match(health, /is healthy/, log.slice(-3000));
      const put = await run({ cmd: amd64Etcdctl, args: ['--endpoints', 'http://127.0.0.1:23791', 'put', 'rfo', 'riscv64'] });
      assert.equal(put.code, 0, put.stderr);
      assert.match(log, /running etcd on unsupported architecture since ETCD_UNSUPPORTED_ARCH is set/);
      t.diagnostic(`qemu-riscv64 etcd: ${health.trim()}`);
    } finally {
      etcd.kill('SIGTERM');
      await new Promise((r) => etcd.once('exit', r));
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
