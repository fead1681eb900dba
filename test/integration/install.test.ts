// install-rfo.sh from a local artifact directory (the air-gapped way) into a
// temporary root, inside a private mount namespace with a fake
// /etc/os-release: where files land, `rfo --version` with no Node on PATH,
// systemd-analyze on the units, refusals that leave the root unchanged,
// `rfo verify`, the RPM method (overlay /usr, private rpm database), and end
// to end: installed rfo server → Ready → uninstall.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import type { ExecResult } from '../../src/util/exec.ts';
import { buildTestRelease } from './helpers/release-dist.ts';
import type { TestRelease } from './helpers/release-dist.ts';
import { createTestNode } from './helpers/test-node.ts';
import type { TestNode } from './helpers/test-node.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';
import { eventually } from './helpers/eventually.ts';

const arch = 'amd64';
const hostPath = '/usr/sbin:/usr/bin:/sbin:/bin';
// Inside the test's mount namespace every node/nodejs/npm on the host is
// masked with /dev/null, so nothing there can fall back on a host Node.js.
const hideNode = 'for f in $(command -v -a node nodejs npm 2>/dev/null; which -a node nodejs npm 2>/dev/null); do mount --bind /dev/null "$f"; done; ! command -v node >/dev/null || { echo "node still on PATH" >&2; exit 97; }';
let rel: TestRelease;
const installSeconds: number[] = [];

const osReleases = {
  'openEuler 22.03 LTS SP1': 'NAME="openEuler"\nVERSION="22.03 (LTS-SP1)"\nID="openEuler"\nVERSION_ID="22.03"\nPRETTY_NAME="openEuler 22.03 (LTS-SP1)"\n',
  'openEuler 24.03 LTS SP3': 'NAME="openEuler"\nVERSION="24.03 (LTS-SP3)"\nID="openEuler"\nVERSION_ID="24.03"\nPRETTY_NAME="openEuler 24.03 (LTS-SP3)"\n',
  'Debian 12': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
} as const;

before(async () => {
  rel = await buildTestRelease('/var/tmp/rfo-install-test-');
});

after(async () => {
  if (rel) await rm(rel.root, { recursive: true, force: true });
});

interface Install extends ExecResult {
  readonly root: string;
  readonly prefix: string;
  readonly images: string;
}

/** A shell script in a private mount namespace with our /etc/os-release and no Node.js. */
function isolated(osFile: string, script: string, env: Record<string, string>): Promise<ExecResult> {
  return run({ cmd: 'unshare', args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', `mount --bind "${osFile}" /etc/os-release && ${hideNode} && ${script}`], env: { PATH: hostPath, ...env } });
}

/** Runs the dist's install-rfo.sh with dash in a private mount namespace where /etc/os-release is ours. */
async function install(os: string, env: Record<string, string> = {}, root?: string): Promise<Install> {
  const r = root ?? (await mkdtemp(join(rel.root, 'root-')));
  const osFile = join(rel.root, `os-release-${Math.random().toString(36).slice(2)}`);
  await writeFile(osFile, os);
  const prefix = join(r, 'usr', 'local');
  const images = join(r, 'var', 'lib', 'rancher', 'rfo', 'agent', 'images');
  const started = Date.now();
  const result = await isolated(osFile, `sh "${join(rel.dist, 'install-rfo.sh')}" && "${join(prefix, 'bin', 'rfo')}" --version`, {
      TMPDIR: rel.root,
      INSTALL_RFO_ARTIFACT_PATH: rel.result.versionDir,
      INSTALL_RFO_TAR_PREFIX: prefix,
      INSTALL_RFO_AGENT_IMAGES_DIR: images,
      INSTALL_RFO_SKIP_RELOAD: 'true',
      ...env,
  });
  if (result.code === 0) installSeconds.push((Date.now() - started) / 1000);
  return { ...result, root: r, prefix, images };
}

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    out.push(join(dir, e.name));
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name))));
  }
  return out.sort();
}

test('installs on openEuler 22.03 SP1 and 24.03 SP3 (supported) and Debian (a warning): files land where RKE2 puts them', { timeout: 600_000 }, async () => {
  for (const [name, os] of Object.entries(osReleases)) {
    const r = await install(os);
    assert.equal(r.code, 0, `${name}: ${r.stdout}${r.stderr}`);
    if (name.startsWith('openEuler')) assert.match(r.stdout, /openEuler .*: supported/, name);
    else assert.match(r.stderr, /not a supported system.*continuing anyway/, name);
    assert.match(r.stdout, /checksums and signatures verified/);
    assert.match(r.stdout, /systemctl enable --now rfo-server\.service/, 'prints the next steps');
    for (const f of ['bin/rfo', 'bin/rfo-killall.sh', 'bin/rfo-uninstall.sh', 'lib/systemd/system/rfo-server.service', 'lib/systemd/system/rfo-agent.service', 'lib/rfo/node', 'lib/rfo/runtime/manifest.json']) {
      assert.ok(existsSync(join(r.prefix, f)), `${name}: ${f}`);
    }
    assert.ok(existsSync(join(r.images, `rfo-images.linux-${arch}.tar.zst`)), `${name}: airgap images in agent/images`);
    // `rfo --version` ran right after the install, in the namespace without Node.js
    assert.match(r.stdout, /^rfo version v1\.36\.3\+rfor1 /m);
    assert.match(r.stdout, /^node version v24\./m);
    await rm(r.root, { recursive: true, force: true });
  }
});

test('the installed units pass systemd-analyze verify and run rfo from the install prefix', { timeout: 300_000 }, async () => {
  const r = await install(osReleases['openEuler 24.03 LTS SP3']);
  assert.equal(r.code, 0, r.stderr);
  for (const role of ['server', 'agent']) {
    const unit = join(r.prefix, 'lib', 'systemd', 'system', `rfo-${role}.service`);
    const text = await readFile(unit, 'utf8');
    assert.ok(text.includes(`ExecStart=${r.prefix}/bin/rfo ${role}`), text);
    for (const line of ['Type=notify', 'KillMode=process', 'Delegate=yes', 'Restart=always', 'LimitNOFILE=', 'EnvironmentFile=-/etc/default/%N', 'EnvironmentFile=-/etc/sysconfig/%N']) assert.ok(text.includes(line), `${role}: ${line}`);
    const v = await run({ cmd: 'systemd-analyze', args: ['verify', unit] });
    assert.equal(v.code, 0, `${role}: ${v.stdout}${v.stderr}`);
  }
  // the same again upgrades in place
  const again = await install(osReleases['openEuler 24.03 LTS SP3'], {}, r.root);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(existsSync(join(r.prefix, 'bin', 'rfo')));
  await rm(r.root, { recursive: true, force: true });
});

/** An artifact dir that links to the real release, with one file replaced. */
async function tamperedDir(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(rel.root, `tampered-${name}`);
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(rel.result.versionDir)) await symlink(join(rel.result.versionDir, f), join(dir, f));
  await change(dir);
  return dir;
}

async function replaceLink(dir: string, file: string, content: Buffer | string): Promise<void> {
  await rm(join(dir, file));
  await writeFile(join(dir, file), content);
}

test('a tampered tarball, checksum file or signature is refused and the root stays untouched', { timeout: 300_000 }, async () => {
  const tarball = `rfo.linux-${arch}.tar.gz`;
  const sums = `sha256sum-${arch}.txt`;
  const cases: [string, string, RegExp][] = [
    [
      'tarball',
      await tamperedDir('tarball', async (d) => {
        await replaceLink(d, tarball, await readFile(join(rel.result.versionDir, tarball)));
        await appendFile(join(d, tarball), 'x');
      }),
      /sha256 mismatch for rfo\.linux-amd64\.tar\.gz.*nothing was installed/,
    ],
    [
      'checksum file',
      await tamperedDir('sums', async (d) => {
        const text = await readFile(join(rel.result.versionDir, sums), 'utf8');
        await replaceLink(d, sums, text.replace(/^[0-9a-f]{64}(\s+\*?rfo\.linux)/m, `${'0'.repeat(64)}$1`));
      }),
      /signature check FAILED for sha256sum-amd64\.txt/,
    ],
    [
      'signature',
      await tamperedDir('sig', async (d) => {
        await replaceLink(d, `${tarball}.sig`, await readFile(join(rel.result.versionDir, `${sums}.sig`)));
      }),
      /signature check FAILED for rfo\.linux-amd64\.tar\.gz/,
    ],
  ];
  for (const [what, dir, expected] of cases) {
    const root = await mkdtemp(join(rel.root, 'root-'));
    const r = await install(osReleases['openEuler 22.03 LTS SP1'], { INSTALL_RFO_ARTIFACT_PATH: dir }, root);
    assert.notEqual(r.code, 0, `${what}: must fail`);
    assert.match(r.stderr, expected, what);
    assert.deepEqual(await tree(root), [], `${what}: the root must stay empty`);
  }
});

test('a version that does not exist is refused with the versions that do', { timeout: 60_000 }, async () => {
  const root = await mkdtemp(join(rel.root, 'root-'));
  const r = await install(osReleases['Debian 12'], { INSTALL_RFO_ARTIFACT_PATH: rel.dist, INSTALL_RFO_VERSION: 'v1.35.9+rfor7' }, root);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /v1\.35\.9\+rfor7.*available versions: v1\.36\.3\+rfor1/);
  assert.deepEqual(await tree(root), []);
  // and the channel file resolves a version when none is named
  const byChannel = await install(osReleases['Debian 12'], { INSTALL_RFO_ARTIFACT_PATH: rel.dist, INSTALL_RFO_CHANNEL: 'v1.36' });
  assert.equal(byChannel.code, 0, byChannel.stderr);
  await rm(byChannel.root, { recursive: true, force: true });
});

test('rfo verify passes on a fresh install and names the file that differs', { timeout: 120_000 }, async () => {
  const r = await install(osReleases['openEuler 22.03 LTS SP1']);
  assert.equal(r.code, 0, r.stderr);
  const rfo = join(r.prefix, 'bin', 'rfo');
  const ok = await run({ cmd: rfo, args: ['verify', '--images-dir', r.images], env: { PATH: hostPath } });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  // --vulns: the installed runtime's signed vulnerability report
  const vulns = await run({ cmd: rfo, args: ['verify', '--vulns'], env: { PATH: hostPath } });
  assert.equal(vulns.code, 0, vulns.stdout + vulns.stderr);
  assert.match(vulns.stdout, /^Vulnerability scan of rfo v1\.36\.\d+\+rfor\d+ amd64/);
  assert.match(vulns.stdout, /^kubernetes v1\.36\.\d+ \(go1\.\d+\.\d+, sha256 [0-9a-f]{12}…\): \d+ known vulnerabilities/m);
  assert.match(vulns.stdout, /no reachable vulnerability with a fix is left unjustified/);
  assert.match(vulns.stdout, /report signature OK .*; database v0\.0\.0-\d{14}-[0-9a-f]{12}/);
  const reportTable = join(r.prefix, 'lib', 'rfo', 'runtime', 'vulnerability-report-amd64.txt');
  await appendFile(reportTable, 'all clear\n');
  const forged = await run({ cmd: rfo, args: ['verify', '--vulns'], env: { PATH: hostPath } });
  assert.notEqual(forged.code, 0, 'an edited report is refused');
  assert.match(forged.stderr, /RFO_SIGNATURE_INVALID/);
  const victim = join(r.prefix, 'lib', 'rfo', 'runtime', 'bin', 'runc');
  await appendFile(victim, 'tampered');
  const bad = await run({ cmd: rfo, args: ['verify', '--images-dir', r.images], env: { PATH: hostPath } });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /bin\/runc/);
  await rm(r.root, { recursive: true, force: true });
});

/** An empty noarch package that provides what the RPM requires of the base system (systemd, /bin/sh), as an openEuler host's rpm database does. */
async function systemdStubRpm(dir: string): Promise<string> {
  const spec = join(dir, 'systemd-stub.spec');
  await writeFile(spec, ['Name: systemd', 'Version: 255', 'Release: 0', 'Summary: stands in for systemd in the rpm database of a test root', 'License: MIT', 'BuildArch: noarch', 'Provides: /bin/sh', '%description', 'test stub', '%files', ''].join('\n'));
  const built = await run({ cmd: 'rpmbuild', args: ['-bb', '--define', `_topdir ${join(dir, 'rpmbuild')}`, spec] });
  assert.equal(built.code, 0, built.stderr);
  return join(dir, 'rpmbuild', 'RPMS', 'noarch', 'systemd-255-0.noarch.rpm');
}

test('INSTALL_RFO_METHOD=rpm: the installer verifies and installs the RPM; re-run upgrades; rfo-uninstall.sh removes it with rpm', { timeout: 300_000 }, async () => {
  // /usr is an overlay and the rpm database a tmpfs, both private to this
  // mount namespace: the host's /usr and rpm database never change.
  const w = await mkdtemp(join(rel.root, 'rpm-'));
  for (const d of ['up', 'work', 'images', 'data', 'run', 'kubelet', 'etc']) await mkdir(join(w, d));
  const stub = await systemdStubRpm(w);
  const osFile = join(w, 'os-release');
  await writeFile(osFile, osReleases['openEuler 24.03 LTS SP3']);
  const installer = join(rel.dist, 'install-rfo.sh');
  const mounts = [`mount -t overlay overlay -o lowerdir=/usr,upperdir=${w}/up,workdir=${w}/work /usr`, 'mount -t tmpfs tmpfs /root', `mount --bind ${osFile} /etc/os-release`].join(' && ');
  const script = [
    `rpm -i ${stub}`,
    `sh ${installer}`,
    'echo "== installed"',
    'rpm -q rfo',
    '/usr/bin/rfo --version',
    'ls /usr/lib/systemd/system/rfo-server.service /usr/lib/systemd/system/rfo-agent.service /usr/bin/rfo-killall.sh',
    'grep -h ^ExecStart= /usr/lib/systemd/system/rfo-server.service /usr/lib/systemd/system/rfo-agent.service',
    `/usr/bin/rfo verify --images-dir ${w}/images`,
    `sh ${installer} >/dev/null`,
    'echo "== reinstalled"',
    'rpm -q rfo',
    `RFO_UNINSTALL_SKIP_RELOAD=true RFO_DATA_DIR=${w}/data RFO_RUN_DIR=${w}/run RFO_KUBELET_DIR=${w}/kubelet RFO_ETC_DIR=${w}/etc RFO_CNI_CONF_DIR=${w}/etc RFO_CNI_STATE_DIR=${w}/cni-state sh /usr/bin/rfo-uninstall.sh`,
    'echo "== uninstalled"',
    'rpm -q rfo || true',
    'ls /usr/bin/rfo /usr/lib/rfo 2>&1 || true',
  ].join('\n');
  const r = await run({
    cmd: 'unshare',
    args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', `{ ${mounts}; } || exit 96; ${hideNode}\nset -e\n${script}`],
    env: { PATH: hostPath, HOME: '/root', TMPDIR: w, INSTALL_RFO_METHOD: 'rpm', INSTALL_RFO_ARTIFACT_PATH: rel.result.versionDir, INSTALL_RFO_AGENT_IMAGES_DIR: join(w, 'images'), INSTALL_RFO_SKIP_RELOAD: 'true' },
  });
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 0, out);
  const [installed = '', reinstalled = '', uninstalled = ''] = r.stdout.split(/^== \w+$/m).slice(1);
  assert.match(out, /openEuler 24\.03.*supported/i);
  assert.match(out, /checksums and signatures verified \(rfo-v1\.36\.3\+rfor1\.amd64\.rpm, rfo-images/);
  assert.match(installed, /^rfo-v?1\.36\.3\+rfor1-1\.\w+$/m, 'rpm -q names the package');
  assert.match(installed, /rfo version v1\.36\.3\+rfor1/);
  // the RPM's units start rfo from /usr, not the tarball's /usr/local
  assert.match(installed, /^ExecStart=\/usr\/bin\/rfo server/m);
  assert.match(installed, /^ExecStart=\/usr\/bin\/rfo agent/m);
  assert.match(installed, /verified \d+ files against the signed manifest: all match/, 'rfo verify on the RPM install');
  assert.match(reinstalled, /^rfo-v?1\.36\.3\+rfor1-1/m);
  assert.match(reinstalled, /\[rfo-uninstall\] removing the rfo RPM/);
  assert.match(uninstalled, /package rfo is not installed/);
  assert.match(uninstalled, /No such file or directory/);
  assert.ok(existsSync(join(w, 'images', `rfo-images.linux-${arch}.tar.zst`)), 'airgap images copied');
  // the host's /usr is untouched: everything landed in the overlay's upper dir
  assert.ok(!existsSync('/usr/bin/rfo') && !existsSync('/usr/lib/rfo'));
  await rm(w, { recursive: true, force: true });
});

let node: TestNode | undefined;
let server: ChildProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;

test('end to end: installed rfo server (as the unit starts it) gets a Ready node; rfo-uninstall.sh leaves nothing behind', { timeout: 900_000 }, async () => {
  const r = await install(osReleases['openEuler 24.03 LTS SP3']);
  assert.equal(r.code, 0, r.stderr);
  node = await createTestNode('rfo-install', 61);
  const data = join(r.root, 'var', 'lib', 'rancher', 'rfo');
  const paths = { RFO_DATA_DIR: data, RFO_RUN_DIR: join(r.root, 'run', 'rfo'), RFO_KUBELET_DIR: join(r.root, 'var', 'lib', 'kubelet'), RFO_CNI_CONF_DIR: join(r.root, 'etc', 'cni', 'net.d'), RFO_CNI_STATE_DIR: join(r.root, 'var', 'lib', 'cni'), RFO_KUBECONFIG_OUTPUT: join(r.root, 'etc', 'rancher', 'rfo', 'rfo.yaml'), RFO_CONFIG_FILE: join(r.root, 'etc', 'rancher', 'rfo', 'config.yaml'), RFO_NODE_IP: node.ip };
  // ExecStart=<prefix>/bin/rfo server; the unit's environment moves the paths into the temp root.
  await mkdir(join(r.root, 'etc', 'rancher', 'rfo'), { recursive: true });
  await writeFile(paths.RFO_CONFIG_FILE, 'node-label:\n  - rfo.test/installed=true\n');
  let output = '';
  // As systemd runs it: no HOME, and the working directory is the root (here the temp root).
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), join(r.prefix, 'bin', 'rfo'), 'server'], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: hostPath, ...paths }, cwd: r.root });
  server = proc;
  // A failure before the uninstall below still stops the pods and takes their mounts off.
  const testNode = node;
  cleanup = () => testNode.exec('env', [`PATH=${hostPath}`, ...Object.entries(paths).map(([k, v]) => `${k}=${v}`), join(r.prefix, 'bin', 'rfo-killall.sh')]).then(() => undefined);
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await untilReady(proc, () => output);
  assert.match(output, /images imported from 1 archive/, 'the airgap images the installer put in agent/images');
  const kubectl = join(data, 'bin', 'kubectl');
  await eventually('node Ready', async () => (await node!.exec(kubectl, ['--kubeconfig', paths.RFO_KUBECONFIG_OUTPUT, 'get', 'nodes', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True');
  const labels = await node.exec(kubectl, ['--kubeconfig', paths.RFO_KUBECONFIG_OUTPUT, 'get', 'nodes', '-l', 'rfo.test/installed=true', '-o', 'name']);
  assert.match(labels.stdout, /^node\//, 'the config file the unit points at was read');
  await stopProcess(proc);
  // without HOME, kubectl would put its cache in .kube/ of the working directory; rfo gives it one in the data dir
  assert.ok(!existsSync(join(r.root, '.kube')), 'no .kube/ in the working directory');

  const un = await node.exec('env', [`PATH=${hostPath}`, 'RFO_UNINSTALL_SKIP_RELOAD=true', `RFO_ETC_DIR=${join(r.root, 'etc', 'rancher', 'rfo')}`, ...Object.entries(paths).map(([k, v]) => `${k}=${v}`), 'sh', join(r.prefix, 'bin', 'rfo-uninstall.sh')]);
  cleanup = undefined;
  assert.equal(un.code, 0, un.stdout + un.stderr);
  assert.match(un.stdout, /removing rfo's data/, 'says what data it removes');
  // Empty parent directories may stay (as with RKE2); no file, link or socket of rfo may.
  const left: string[] = [];
  for (const p of await tree(r.root)) if (!(await lstat(p)).isDirectory()) left.push(p);
  assert.deepEqual(left, [], 'nothing of rfo is left');
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const env = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    assert.ok(!env.split('\0').includes(`RFO_MANAGED=${paths.RFO_RUN_DIR}`), `process ${pid} survived the uninstall`);
  }
  assert.ok(!(await readFile('/proc/mounts', 'utf8')).includes(r.root), 'no mount left under the install root');
  process.stderr.write(`install from the local artifact dir: ${installSeconds.map((s) => s.toFixed(1)).join(', ')} s\n`);
  await rm(r.root, { recursive: true, force: true });
});

after(async () => {
  await stopProcess(server);
  await cleanup?.().catch(() => undefined);
  await node?.destroy();
});
