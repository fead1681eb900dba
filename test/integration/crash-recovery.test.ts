// Crash safety end to end, in a lab of one server and one agent: `kill -9`
// of only the node's rfo (its components, shims and pods keep running, as
// under systemd's KillMode=process), then rfo started again in the same
// namespaces (systemd's Restart=always). The node must come back Ready with
// no manual step, the pods started before must still run (same containers,
// no restarts), and each component must run exactly once. Last, SIGHUP to
// the agent's rfo stops its components and leaves the pods' processes alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { killNodeRfo, labDown, labExec, labUp, restartNodeRfo } from '../../src/lab/lab.ts';
import { readState } from '../../src/lab/lab-state.ts';
import { readProcTable } from '../../src/util/proc-table.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { helmJobsFinished } from './helpers/helm-jobs.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk, nodeReady } = labHelpers(labDir);
const serverComponents = ['containerd', 'etcd', 'flanneld', 'kube-apiserver', 'kube-controller-manager', 'kube-proxy', 'kube-scheduler', 'kubelet'];
const agentComponents = ['containerd', 'flanneld', 'kube-proxy', 'kubelet'];

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-crash-');
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  await labUp({ servers: 1, agents: 1, labDir: labDir(), subnet: '10.197.40.0/24', name: 'rfocr', images: [join(root, 'busybox.tar.zst')], log: (l) => process.stderr.write(`${l}\n`) });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => process.stderr.write(`lab down: ${String(err)}\n`));
  await rm(root, { recursive: true, force: true });
});

async function nodeOf(name: string) {
  const node = (await readState(labDir()))?.nodes.find((n) => n.name === name);
  assert.ok(node, name);
  return node;
}

/**
 * The node's processes by what started them: components (RFO_MANAGED = its
 * run dir), everything under its shims (shimTree: not components), and the
 * pods' lasting processes (podRoots: each shim and each container's first
 * process, its direct children). Processes deeper in a pod come and go by
 * themselves (kube-router's iptables runs, a probe's exec), so the checks
 * that pods survived look at podRoots only.
 */
async function processesOf(name: string): Promise<{ components: Map<string, number[]>; shimTree: Set<number>; podRoots: Set<number> }> {
  const { runDir } = await nodeOf(name);
  const table = await readProcTable();
  const live = table.filter((p) => p.state !== 'Z');
  const ours = live.filter((p) => p.environ.includes(`RFO_MANAGED=${runDir}`));
  const base = (p: { cmdline: readonly string[] }) => (p.cmdline[0] ?? '').split('/').at(-1) ?? '';
  const shimTree = new Set<number>();
  const addTree = (pid: number) => {
    shimTree.add(pid);
    for (const c of live.filter((p) => p.ppid === pid)) addTree(c.pid);
  };
  const shims = ours.filter((p) => base(p).startsWith('containerd-shim')).map((p) => p.pid);
  for (const pid of shims) addTree(pid);
  const podRoots = new Set([...shims, ...live.filter((p) => shims.includes(p.ppid)).map((p) => p.pid)]);
  const components = new Map<string, number[]>();
  for (const p of ours) if (!shimTree.has(p.pid)) components.set(base(p), [...(components.get(base(p)) ?? []), p.pid]);
  return { components, shimTree, podRoots };
}

const sleeper = (node: string) => `
apiVersion: v1
kind: Pod
metadata: {name: sleeper-${node}}
spec:
  nodeName: ${node}
  containers:
  - name: s
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sleep, '86400']
`;

async function container(pod: string): Promise<{ id: string; restarts: string }> {
  const out = await kubectlOk('get', 'pod', pod, '-o', 'jsonpath={.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}');
  const [id = '', restarts = ''] = out.trim().split(' ');
  return { id, restarts };
}

function assertOnce(components: Map<string, number[]>, expected: readonly string[], node: string) {
  // Short-lived helpers a component runs (iptables, mount…) may come and go; the components run exactly once.
  for (const name of expected) assert.equal(components.get(name)?.length, 1, `${node}: ${name} runs ${components.get(name)?.length ?? 0} times: ${JSON.stringify([...components])}`);
}

/** kill -9 rfo only, start it again in place, and check the node came back whole. */
async function crashAndRecover(name: string, expected: readonly string[]) {
  const before = await processesOf(name);
  assertOnce(before.components, expected, name);
  const pods = { s1: await container('sleeper-s1'), a1: await container('sleeper-a1') };
  const logFile = join((await nodeOf(name)).dir, 'rfo.log');
  const offset = (await stat(logFile)).size;

  const killed = await killNodeRfo(name, { labDir: labDir() });
  const orphans = [...(await processesOf(name)).components.values()].flat();
  process.stderr.write(`${name}: killed rfo ${killed}; ${orphans.length} component process(es) left running without it\n`);
  const restartedAt = Date.now();
  await restartNodeRfo(name, { labDir: labDir(), readyTimeoutMs: 300_000 });
  const log = (await readFile(logFile)).subarray(offset).toString();
  // Go components also die on their own at their next log write into the dead rfo's pipe (SIGPIPE);
  // whatever was still running when rfo started again was stopped by it, and it said so.
  process.stderr.write(`${name}: ${/an earlier rfo of .*/.exec(log)?.[0] ?? 'nothing of the old rfo was left at restart'}\n`);
  assert.doesNotMatch(log, /already in use/, log);

  await eventually(`${name} Ready again`, async () => (await nodeReady(name)) === 'True', 120_000);
  // Ready can be the old status not yet gone stale; a lease renewed after the restart is the new kubelet's.
  await eventually(`${name}'s kubelet lease renewed by the new kubelet`, async () => Date.parse(await kubectlOk('-n', 'kube-node-lease', 'get', 'lease', name, '-o', 'jsonpath={.spec.renewTime}')) > restartedAt, 60_000);
  const after = await processesOf(name);
  assertOnce(after.components, expected, name);
  for (const [component, pids] of after.components) {
    for (const pid of pids) assert.ok(!before.components.get(component)?.includes(pid), `${name}: ${component} ${pid} is the old process (adopted?)`);
  }
  // The pods never stopped: same containers, no restarts, their processes still there.
  for (const pod of ['s1', 'a1'] as const) {
    assert.deepEqual(await container(`sleeper-${pod}`), pods[pod], `sleeper-${pod} was restarted`);
  }
  for (const pid of before.podRoots) assert.ok(after.podRoots.has(pid), `${name}: pod process ${pid} is gone`);
  // The new kubelet and containerd reach the old containers (containerd re-attached to the shims).
  // Retried: a kubelet seconds old may not have synced its pods from the apiserver yet ("pod does not exist").
  await eventually(`exec into sleeper-${name}`, async () => (await kubectl('exec', `sleeper-${name}`, '--', 'echo', 'still here')).stdout.trim() === 'still here', 60_000);
}

test('pods on the server and the agent run', { timeout: 480_000 }, async () => {
  for (const n of ['s1', 'a1']) assert.equal(await nodeReady(n), 'True', n);
  await applyOk(sleeper('s1'));
  await applyOk(sleeper('a1'));
  await kubectlOk('wait', '--for=condition=Ready', 'pod/sleeper-s1', 'pod/sleeper-a1', '--timeout=150s');
  // The add-ons' helm jobs run after the node is Ready (after CoreDNS, for most): a job pod that
  // ends by itself during a crash test would look like a pod the crash took down. Let them finish.
  await eventually('every helm job finished', () => helmJobsFinished(kubectlOk), 300_000, 2000);
  assert.ok((await processesOf('s1')).shimTree.size >= 2, 'the server runs a shim with a pod');
});

test('kill -9 of the server rfo: started again it is Ready with no manual step, pods untouched, no duplicate components', { timeout: 420_000 }, async () => {
  await crashAndRecover('s1', serverComponents);
});

test('kill -9 of the agent rfo: the same', { timeout: 420_000 }, async () => {
  await crashAndRecover('a1', agentComponents);
});

test('a second rfo for the same run dir is refused while the first lives', { timeout: 60_000 }, async () => {
  const node = await nodeOf('a1');
  const r = await labExec('a1', [...node.argv], { labDir: labDir() });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /RFO_USAGE.*another rfo is running for run dir \/run\/rfo-rfocr-a1 \(pid \d+\)/);
  assertOnce((await processesOf('a1')).components, agentComponents, 'a1');
});

test('SIGHUP to the agent rfo: it stops its components and exits non-zero; the pods keep running', { timeout: 120_000 }, async () => {
  const node = await nodeOf('a1');
  assert.ok(node.pid);
  const before = await processesOf('a1');
  process.kill(node.pid, 'SIGHUP');
  await eventually('the agent rfo to exit', async () => !(await readFile(`/proc/${node.pid}/stat`, 'utf8').catch(() => '')).match(/^\d+ \(.*?\) [^Z]/), 60_000, 200);
  const log = await readFile(join(node.dir, 'rfo.log'), 'utf8');
  assert.match(log, /SIGHUP: stopping components in reverse order, then exiting 129/);
  const after = await processesOf('a1');
  assert.deepEqual([...after.components.keys()], [], `components left after SIGHUP: ${JSON.stringify([...after.components])}`);
  for (const pid of before.podRoots) assert.ok(after.podRoots.has(pid) || (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')) !== '', `pod process ${pid} is gone`);
});
