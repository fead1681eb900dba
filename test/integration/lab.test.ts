// End to end: `rfo lab` makes a one-server lab in a temp dir, the node runs
// pods with private rfo paths and its own kubelet cgroup root, survives a
// stop/start with its data, and `down` leaves nothing behind on the host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { buildImage } from '../../src/images/build-image.ts';
import { writeImageArchive } from '../../src/images/write-archive.ts';
import { labDown, labExec, labKubectl, labStatus, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { readState } from '../../src/lab/lab-state.ts';
import { run } from '../../src/util/exec.ts';
import { findRuntime } from './helpers/runtime.ts';
import { eventually } from './helpers/eventually.ts';

const name = 'rfotl';
const subnet = '10.197.0.0/24';
const busybox = 'registry.rfo.test/library/busybox:1.35';
const rfo = join(repoRoot, 'bin', 'rfo');
const hostDirs = ['/var/lib/rancher/rfo', '/etc/rancher/rfo', '/var/lib/kubelet'];
let root = '';
let labDir = '';
let hostFilesBefore: string[] = [];
const progress: string[] = [];

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...(await listTree(p)));
  }
  return out;
}
const hostFiles = async () => (await Promise.all(hostDirs.map(listTree))).flat().sort();

const kubectlOk = async (...args: string[]) => {
  const r = await labKubectl(args, { labDir });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** Processes whose command line or environment mentions the lab dir, and mounts (any namespace) under it. */
async function labTraces(): Promise<{ processes: string[]; mounts: string[] }> {
  const processes: string[] = [];
  const mounts = new Set<string>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (cmdline.includes(labDir) || environ.includes(labDir)) processes.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
    for (const line of (await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '')).split('\n')) if (line.includes(labDir)) mounts.add(line);
  }
  return { processes, mounts: [...mounts] };
}

const cgroupDirs = async () => (await readdir('/sys/fs/cgroup')).filter((h) => existsSync(join('/sys/fs/cgroup', h, `${name}-s1`)));

before(async () => {
  hostFilesBefore = await hostFiles();
  root = await mkdtemp('/var/tmp/rfo-lab-test-');
  labDir = join(root, 'lab');
  // A busybox image from Debian's static binary, preloaded on every node the airgap way.
  const image = buildImage({
    ref: busybox,
    arch: 'amd64',
    files: [{ path: '/bin/busybox', content: await readFile('/bin/busybox'), mode: 0o755 }],
    symlinks: ['sh', 'echo', 'sleep', 'cat'].map((n) => ({ path: `/bin/${n}`, target: 'busybox' })),
    config: { cmd: ['sh'] },
  });
  await writeImageArchive(join(root, 'busybox.tar'), [image]);
});

after(async () => {
  // Cleans up even when a test failed half way; a no-op after the down test.
  if (labDir) await labDown({ labDir, name }).catch((e: unknown) => console.error('cleanup failed:', e));
  if (root) await rm(root, { recursive: true, force: true });
});

test('labUp brings up a Ready server in its namespaces', { timeout: 700_000 }, async () => {
  const runtime = await findRuntime();
  const status = await labUp({ servers: 1, agents: 0, labDir, subnet, name, runtimeDir: runtime.dir, images: [join(root, 'busybox.tar')], forwardRule: true, log: (l) => progress.push(l) });
  assert.deepEqual(
    status.nodes.map((n) => [n.name, n.role, n.ip, n.state, n.ready]),
    [['s1', 'server', '10.197.0.11', 'running', 'True']],
  );
  assert.ok(progress.includes('s1: starting (server, 10.197.0.11)'), progress.join('\n'));
  assert.ok(progress.some((l) => /^s1: ready \(\d+\.\ds\)$/.test(l)), progress.join('\n'));
  assert.match(await kubectlOk('get', 'nodes', '--no-headers'), /^s1\s+Ready\s/);
});

test('rfo lab status and kubectl from the command line', async () => {
  const table = await run({ cmd: rfo, args: ['lab', 'status', '--lab-dir', labDir] });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^NAME +ROLE +IP +PID +STATE +READY\ns1 +server +10\.197\.0\.11 +\d+ +running +True\n$/);
  const json = await run({ cmd: rfo, args: ['lab', 'status', '--lab-dir', labDir, '-o', 'json'] });
  assert.equal((JSON.parse(json.stdout) as { nodes: { ready: string }[] }).nodes[0]?.ready, 'True');
  const nodes = await run({ cmd: rfo, args: ['lab', '--lab-dir', labDir, 'kubectl', 'get', 'nodes', '-o', 'name'] });
  assert.equal(nodes.stdout.trim(), 'node/s1', nodes.stderr);
  const exec = await run({ cmd: rfo, args: ['lab', '--lab-dir', labDir, 'exec', 's1', '--', 'cat', '/etc/rancher/rfo/rfo.yaml'] });
  assert.equal(exec.stdout, await readFile(join(labDir, 's1', 'etc-rancher', 'rfo', 'rfo.yaml'), 'utf8'), exec.stderr);
});

test('a pod runs on the lab node', { timeout: 200_000 }, async () => {
  await kubectlOk('run', 'hello', `--image=${busybox}`, '--image-pull-policy=Never', '--restart=Never', '--', 'echo', 'hello from the lab');
  await eventually('hello pod to finish', async () => (await labKubectl(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}'], { labDir })).stdout === 'Succeeded');
  assert.equal((await kubectlOk('logs', 'hello')).trim(), 'hello from the lab');
});

test('the node sees private rfo paths and its own network; the host paths gain nothing', async () => {
  const token = await labExec('s1', ['cat', '/var/lib/rancher/rfo/server/node-token'], { labDir });
  assert.equal(token.code, 0, token.stderr);
  assert.equal(token.stdout, await readFile(join(labDir, 's1', 'var-lib-rancher', 'rfo', 'server', 'token'), 'utf8'));
  assert.ok(existsSync(join(labDir, 's1', 'etc-rancher', 'rfo', 'rfo.yaml')));
  assert.ok((await readdir(join(labDir, 's1', 'var-lib-kubelet', 'pods'))).length > 0, 'pods live in the node kubelet dir');
  assert.deepEqual(await hostFiles(), hostFilesBefore, `nothing new under ${hostDirs.join(', ')}`);
  const addr = await labExec('s1', ['ip', '-o', '-4', 'addr', 'show', 'eth0'], { labDir });
  assert.match(addr.stdout, /inet 10\.197\.0\.11\/24/);
  const routes = await labExec('s1', ['ip', 'route'], { labDir });
  assert.doesNotMatch(routes.stdout, /^default/m, 'no traffic leaves the host');
  // The host reaches the node over the bridge (the host's own route to the lab subnet).
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: '10.197.0.11', port: 9345, timeout: 5000 }, () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
    socket.on('timeout', () => reject(new Error('no answer from 10.197.0.11:9345')));
  });
});

test("kubelet puts the node's pods under its own cgroup root", async () => {
  const kubepods = '/sys/fs/cgroup/memory/rfotl-s1/kubepods';
  assert.ok(existsSync(kubepods), kubepods);
  const procs: string[] = [];
  const walk = async (dir: string) => {
    procs.push(...(await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean));
    for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  await walk(kubepods);
  assert.ok(procs.length > 0, 'CoreDNS and pause processes are in the node cgroup root');
  const log = await readFile(join(labDir, 's1', 'var-lib-rancher', 'rfo', 'agent', 'logs', 'kubelet.log'), 'utf8');
  assert.match(log, /"CgroupRoot":"\/rfotl-s1"/);
  assert.ok(!existsSync('/sys/fs/cgroup/memory/kubepods') || !(await readFile('/sys/fs/cgroup/memory/kubepods/cgroup.procs', 'utf8')).includes(procs[0] ?? 'x'));
});

test('a second lab is refused: same dir, or an overlapping subnet; and only root may run it', async () => {
  await assert.rejects(labUp({ labDir, subnet: '10.197.1.0/24', name: 'rfotlx' }), (e: Error & { code?: string }) => e.code === 'RFO_LAB_EXISTS');
  await assert.rejects(labUp({ labDir: join(root, 'other'), subnet: '10.197.0.0/16', name: 'rfotlx' }), /overlaps the host route 10\.197\.0\.0\/24 dev rfotlbr/);
  assert.ok(!existsSync(join(root, 'other')), 'nothing written for a refused lab');
  const r = await run({ cmd: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups', rfo, 'lab', 'status', '--lab-dir', labDir] });
  assert.notEqual(r.code, 0);
  const down = await run({ cmd: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups', rfo, 'lab', 'down', '--lab-dir', labDir] });
  assert.equal(down.code, 2, down.stderr);
  assert.match(down.stderr, /must run as root/);
});

test('stop kills the whole node and its mount namespace; start brings it back with its data', { timeout: 700_000 }, async () => {
  await kubectlOk('create', 'configmap', 'keep-me', '--from-literal=k=v');
  const before = await readState(labDir);
  const mntNs = before?.nodes[0]?.mntNs;
  assert.ok(mntNs);
  await stopNode('s1', { labDir });
  const status = await labStatus({ labDir });
  assert.equal(status.nodes[0]?.state, 'stopped');
  assert.equal(status.apiReachable, false);
  const traces = await labTraces();
  assert.deepEqual(traces.processes, [], 'no process of the node is left');
  assert.deepEqual(traces.mounts, [], 'with its last process the mount namespace and its mounts are gone');
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const ns = await run({ cmd: 'readlink', args: [`/proc/${pid}/ns/mnt`] });
    assert.notEqual(ns.stdout.trim(), mntNs, `process ${pid} is still in the node's mount namespace`);
  }
  await startNode('s1', { labDir });
  assert.equal((await labStatus({ labDir })).nodes[0]?.state, 'running');
  assert.equal(await kubectlOk('get', 'configmap', 'keep-me', '-o', 'jsonpath={.data.k}'), 'v');
  await eventually('s1 Ready again', async () => (await labStatus({ labDir })).nodes[0]?.ready === 'True');
});

test('a hard stop (SIGKILL only, a power cut) also leaves no process, and the node comes back', { timeout: 700_000 }, async () => {
  await kubectlOk('create', 'configmap', 'after-power-cut', '--from-literal=k=v');
  await stopNode('s1', { labDir, hard: true });
  assert.deepEqual((await labTraces()).processes, []);
  await startNode('s1', { labDir });
  assert.equal(await kubectlOk('get', 'configmap', 'after-power-cut', '-o', 'jsonpath={.data.k}'), 'v');
});

test('down leaves nothing behind, and a second down is fine', { timeout: 200_000 }, async () => {
  const rules = await run({ cmd: 'iptables', args: ['-S', 'FORWARD'] });
  assert.match(rules.stdout, /--comment "?rfo-lab:rfotl"? /, 'the FORWARD rule the test asked for');
  const report = await labDown({ labDir });
  assert.ok(report.processes > 0);
  assert.deepEqual(report.cgroupsLeft, []);
  assert.deepEqual(await labTraces(), { processes: [], mounts: [] });
  assert.doesNotMatch((await run({ cmd: 'ip', args: ['netns', 'list'] })).stdout, /rfotl-/);
  assert.doesNotMatch((await run({ cmd: 'ip', args: ['-o', 'link'] })).stdout, /rfotl/);
  assert.doesNotMatch((await run({ cmd: 'iptables-save', args: [] })).stdout, /rfo-lab:rfotl/);
  assert.deepEqual(await cgroupDirs(), []);
  assert.ok(!existsSync(labDir));
  assert.deepEqual(await hostFiles(), hostFilesBefore);
  const again = await run({ cmd: rfo, args: ['lab', 'down', '--lab-dir', labDir, '--name', name] });
  assert.equal(again.code, 0, again.stderr);
});
