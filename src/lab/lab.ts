// The lab's programmatic API (the CLI and the tests use this): up, down,
// status, stop/start of one node, and commands inside a node or against the
// cluster. Each node is a network namespace on the lab bridge plus a private
// mount namespace running rfo server/agent with rfo's default paths.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { repoRoot } from '../build/paths.ts';
import { locateRuntime } from '../runtime/locate-runtime.ts';
import { run } from '../util/exec.ts';
import type { ExecResult } from '../util/exec.ts';
import { kubeletDropinPath, labDefaults, nodeArgv, planLab, privateDirs, renderKubeletDropin, withRuntimeDir } from './plan-lab.ts';
import type { LabOptions } from './plan-lab.ts';
import { renderSetupScript } from './render-setup-script.ts';
import type { LabStatus, NodeStatus } from './render-status.ts';
import { labNamespaces, planSweep } from './plan-sweep.ts';
import type { ProcInfo } from './plan-sweep.ts';
import { readState, requireState, statePath, writeState } from './lab-state.ts';
import type { LabNodeState, LabState } from './lab-state.ts';
import { checkSubnetFree, createBridge, createNodeNetwork, removeNetwork } from './host-network.ts';
import { cgroupPids, createCgroupRoot, labCgroupRoots, removeCgroupRoot } from './cgroup-roots.ts';
import { alive, killAndWait, mntNsOf, readProcesses, spawnInNode, spawnNode, waitReady } from './node-process.ts';
import { parseMountPoints, removableMountPoints } from './plan-mount-points.ts';

export type { LabStatus, NodeStatus } from './render-status.ts';

export interface LabUpOptions extends Partial<LabOptions> {
  readonly runtimeDir?: string;
  /** Wait until every node logs "is ready" (default true). */
  readonly wait?: boolean;
  /** Image archives preloaded on every node (copied to agent/images). */
  readonly images?: readonly string[];
  /** config.yaml for every node (/etc/rancher/rfo/config.yaml inside it, 0600), e.g. `profile: cis\n`. */
  readonly config?: string;
  /** registries.yaml for every node (/etc/rancher/rfo/registries.yaml inside it, 0600): mirrors to a lab registry. */
  readonly registries?: string;
  /** Progress lines ("s1: ready (17.2s)"). */
  readonly log?: (line: string) => void;
  /** Per node, default 600 s. */
  readonly readyTimeoutMs?: number;
  /** Add the FORWARD ACCEPT rule for the bridge even if the host's policy accepts (default: only when it drops). */
  readonly forwardRule?: boolean;
}

export interface LabRef {
  readonly labDir?: string;
}

const labDirOf = (o: LabRef | undefined) => o?.labDir ?? labDefaults.labDir;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new RfoError('RFO_USAGE', 'rfo lab must run as root (it makes namespaces, interfaces and cgroups)', { hint: 'run it with sudo' });
}

function findNode(state: LabState, name: string): LabNodeState {
  const node = state.nodes.find((n) => n.name === name);
  if (!node) throw new RfoError('RFO_USAGE', `the lab has no node "${name}"`, { hint: `its nodes: ${state.nodes.map((n) => n.name).join(', ')}` });
  return node;
}

/** Running: the recorded pid is alive and still in the node's mount namespace (pids are reused). */
async function isRunning(node: LabNodeState): Promise<boolean> {
  return node.pid !== undefined && node.mntNs !== undefined && alive(node.pid) && (await mntNsOf(node.pid)) === node.mntNs;
}

/** Create the host directories the node's bind mounts need; return those the lab created (for down). */
async function ensureMountPoints(): Promise<string[]> {
  const created: string[] = [];
  for (const { target } of privateDirs) {
    if (existsSync(target)) continue;
    const first = await mkdir(target, { recursive: true });
    for (let d = target; first && d.length >= first.length; d = dirname(d)) created.push(d);
  }
  return created;
}

async function prepareNode(node: LabNodeState, images: readonly string[], config: string | undefined, registries: string | undefined): Promise<void> {
  for (const p of privateDirs) await mkdir(join(node.dir, p.dir), { recursive: true });
  const resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '# the host has no /etc/resolv.conf\n');
  await writeFile(join(node.dir, 'resolv.conf'), resolv);
  const imagesDir = join(node.dir, 'var-lib-rancher', 'rfo', 'agent', 'images');
  if (images.length) await mkdir(imagesDir, { recursive: true });
  for (const image of images) await copyFile(image, join(imagesDir, basename(image)));
  const dropin = join(node.dir, kubeletDropinPath);
  await mkdir(dirname(dropin), { recursive: true });
  // 0600 as rfo's own kubelet configuration under profile: cis (CIS 4.1.9).
  await writeFile(dropin, renderKubeletDropin(node), { mode: 0o600 });
  if (config !== undefined) {
    await mkdir(join(node.dir, 'etc-rancher', 'rfo'), { recursive: true });
    await writeFile(join(node.dir, 'etc-rancher', 'rfo', 'config.yaml'), config, { mode: 0o600 });
  }
  if (registries !== undefined) {
    await mkdir(join(node.dir, 'etc-rancher', 'rfo'), { recursive: true });
    await writeFile(join(node.dir, 'etc-rancher', 'rfo', 'registries.yaml'), registries, { mode: 0o600 });
  }
  await createCgroupRoot(node.cgroupRoot);
}

/** Start a node's process tree and record its pid and mount namespace. */
async function launch(state: LabState, node: LabNodeState): Promise<number> {
  // Labs share the host's empty mount points (/etc/rancher...); the lab that
  // made one removes it at its down once no other lab's node mounts on it
  // (plan-mount-points.ts). Make any that went missing again (this lab's down
  // then removes it).
  const made = await ensureMountPoints();
  if (made.length > 0) {
    Object.assign(state, { createdMountPoints: [...new Set([...state.createdMountPoints, ...made])] });
    await writeState(state);
  }
  const script = join(node.dir, 'setup.sh');
  await writeFile(script, renderSetupScript({ nodeDir: node.dir, hostname: node.name, argv: node.argv }), { mode: 0o700 });
  const logFile = join(node.dir, 'rfo.log');
  const offset = await stat(logFile).then(
    (s) => s.size,
    () => 0,
  );
  const hostNs = await mntNsOf('self');
  const pid = spawnNode({ netns: node.netns, script, logFile });
  // The pid enters its own mount namespace once unshare has run.
  const deadline = Date.now() + 10_000;
  let ns = await mntNsOf(pid);
  while ((ns === undefined || ns === hostNs) && alive(pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    ns = await mntNsOf(pid);
  }
  if (!ns || ns === hostNs) {
    throw new RfoError('RFO_LAB_NODE_FAILED', `${node.name}: its namespaces were not set up; see ${logFile}:\n${await readFile(logFile, 'utf8').catch(() => '')}`, { hint: 'rfo lab down, then check nsenter/unshare (util-linux)' });
  }
  node.pid = pid;
  node.mntNs = ns;
  await writeState(state);
  return offset;
}

interface StartOptions {
  readonly wait: boolean;
  readonly log: (l: string) => void;
  readonly timeoutMs: number;
}

/** Launch nodes one after another (state writes stay serial), then wait for all of them together. */
async function startNodes(state: LabState, nodes: readonly LabNodeState[], o: StartOptions): Promise<void> {
  const started: { node: LabNodeState; offset: number; t0: number }[] = [];
  for (const node of nodes) {
    const t0 = Date.now();
    o.log(`${node.name}: starting (${node.role}, ${node.ip})`);
    started.push({ node, offset: await launch(state, node), t0 });
  }
  if (!o.wait) return;
  await Promise.all(
    started.map(async ({ node, offset, t0 }) => {
      try {
        await waitReady(join(node.dir, 'rfo.log'), offset, node.pid ?? 0, o.timeoutMs);
      } catch (err) {
        if (err instanceof RfoError) throw new RfoError(err.code, `${node.name}: ${err.message}`, { hint: err.hint ?? '' });
        throw err;
      }
      o.log(`${node.name}: ready (${seconds(t0)})`);
    }),
  );
}

export async function labUp(options: LabUpOptions = {}): Promise<LabStatus> {
  requireRoot();
  const plan = planLab({
    servers: options.servers ?? labDefaults.servers,
    agents: options.agents ?? labDefaults.agents,
    labDir: options.labDir ?? labDefaults.labDir,
    subnet: options.subnet ?? labDefaults.subnet,
    name: options.name ?? labDefaults.name,
  });
  const log = options.log ?? (() => {});
  if (existsSync(statePath(plan.labDir))) {
    throw new RfoError('RFO_LAB_EXISTS', `a lab is already up in ${plan.labDir}`, { hint: `rfo lab down --lab-dir ${plan.labDir} (or pass another --lab-dir)` });
  }
  const netns = await run({ cmd: 'ip', args: ['netns', 'list'] });
  if (netns.stdout.split('\n').some((l) => l.startsWith(`${plan.name}-`))) {
    throw new RfoError('RFO_LAB_EXISTS', `network namespaces named ${plan.name}-* exist: another lab uses the name ${plan.name}`, { hint: 'rfo lab down --name <that name> --lab-dir <its dir>, or pass another --name' });
  }
  await checkSubnetFree(plan);
  const runtime = await locateRuntime(options.runtimeDir);
  const token = randomBytes(16).toString('hex');
  const rfo = join(repoRoot, 'bin', 'rfo');
  const firstServerIp = plan.nodes[0]?.ip ?? '';
  const t0 = Date.now();
  await mkdir(plan.labDir, { recursive: true });
  const state: LabState = {
    version: 1,
    ...plan,
    runtimeDir: runtime.dir,
    createdMountPoints: await ensureMountPoints(),
    nodes: plan.nodes.map((n) => ({ ...n, argv: nodeArgv({ rfo, node: n, firstServerIp, token, runtimeDir: runtime.dir, resolvConf: join(n.dir, 'resolv.conf') }) })),
  };
  // Recorded before anything is made, so `down` can undo a crashed `up`.
  await writeState(state);
  log(`lab ${plan.name}: bridge ${plan.bridge} ${plan.bridgeIp}/${plan.prefixLength}, ${plan.nodes.length} node(s), dir ${plan.labDir}`);
  await createBridge(plan, options.forwardRule ?? false);
  for (const node of state.nodes) {
    await createNodeNetwork(plan, node);
    await prepareNode(node, options.images ?? [], options.config, options.registries);
  }
  const o = { wait: options.wait ?? true, log, timeoutMs: options.readyTimeoutMs ?? 600_000 };
  const servers = state.nodes.filter((n) => n.role === 'server');
  // The first server makes the cluster (the others need its join API); etcd
  // members must join one at a time; agents may start together.
  for (const s of servers) await startNodes(state, [s], { ...o, wait: o.wait || s === servers[0] || s !== servers.at(-1) });
  await startNodes(state, state.nodes.filter((n) => n.role === 'agent'), o);
  const status = await labStatus({ labDir: plan.labDir });
  log(`lab ${plan.name} up in ${seconds(t0)}`);
  return status;
}

async function firstRunningServer(state: LabState): Promise<LabNodeState | undefined> {
  for (const n of state.nodes) if (n.role === 'server' && (await isRunning(n))) return n;
  return undefined;
}

/** kubectl (the runtime's) against the lab, through the first running server's admin kubeconfig. */
export async function labKubectl(args: readonly string[], options: LabRef & { input?: string } = {}): Promise<ExecResult> {
  const state = await requireState(labDirOf(options));
  const server = await firstRunningServer(state);
  if (!server) throw new RfoError('RFO_LAB_NOT_FOUND', 'no server of the lab is running', { hint: 'rfo lab start s1' });
  const kubeconfig = join(server.dir, 'etc-rancher', 'rfo', 'rfo.yaml');
  const kubectl = join(state.runtimeDir, 'bin', 'kubectl');
  return run({ cmd: 'nsenter', args: [`--net=/run/netns/${server.netns}`, '--', kubectl, '--kubeconfig', kubeconfig, ...args], ...(options.input !== undefined ? { input: options.input } : {}) });
}

/**
 * A command inside a node: its network namespace and its mount namespace. On
 * a stopped node the command gets a fresh mount namespace set up as the node's
 * (its private dirs, an empty /run), so one-shot work such as
 * `rfo server --cluster-reset` sees the node's data exactly as its rfo does.
 */
export async function labExec(nodeName: string, argv: readonly string[], options: LabRef & { input?: string } = {}): Promise<ExecResult> {
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  const input = options.input !== undefined ? { input: options.input } : {};
  if (await isRunning(node)) return run({ cmd: 'nsenter', args: [`--mount=/proc/${node.pid}/ns/mnt`, `--uts=/proc/${node.pid}/ns/uts`, `--net=/run/netns/${node.netns}`, '--', ...argv], ...input });
  const script = join(node.dir, `exec-${process.pid}-${Date.now()}.sh`);
  await writeFile(script, renderSetupScript({ nodeDir: node.dir, hostname: node.name, argv }), { mode: 0o700 });
  try {
    return await run({ cmd: 'nsenter', args: [`--net=/run/netns/${node.netns}`, '--', 'unshare', '--mount', '--uts', '--propagation', 'slave', '--', 'sh', script], ...input });
  } finally {
    await rm(script, { force: true });
  }
}

export async function labStatus(options: LabRef = {}): Promise<LabStatus> {
  const state = await requireState(labDirOf(options));
  const ready = new Map<string, string>();
  let apiReachable = false;
  if (await firstRunningServer(state)) {
    const r = await labKubectl(['get', 'nodes', '-o', 'json', '--request-timeout=5s'], options).catch(() => undefined);
    if (r?.code === 0) {
      apiReachable = true;
      const list = JSON.parse(r.stdout) as { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] };
      for (const item of list.items) ready.set(item.metadata.name, item.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown');
    }
  }
  const nodes: NodeStatus[] = [];
  for (const n of state.nodes) {
    const running = await isRunning(n);
    const r = ready.get(n.name);
    nodes.push({
      name: n.name,
      role: n.role,
      ip: n.ip,
      ...(running && n.pid !== undefined ? { pid: n.pid } : {}),
      state: running ? 'running' : 'stopped',
      ...(apiReachable ? { ready: r === 'True' || r === 'False' || r === 'Unknown' ? r : 'absent' } : {}),
    });
  }
  return { name: state.name, subnet: state.subnet, labDir: state.labDir, apiReachable, nodes };
}

/**
 * Kill every process of these mount namespaces and cgroup roots; throw if any
 * survive. Repeats until a pass finds nothing: a process forked between
 * reading /proc and the SIGKILL (kubelet running mount, a shim starting a
 * container) is not in the first list but keeps the namespace and its mounts.
 */
async function sweep(mntNs: ReadonlySet<string>, cgroupRoots: readonly string[], what: string): Promise<number> {
  let killed = 0;
  for (let pass = 0; pass < 10; pass++) {
    const pidsInCgroups: number[] = [];
    for (const root of cgroupRoots) pidsInCgroups.push(...(await cgroupPids(root)));
    const pids = planSweep({ processes: await readProcesses(), mntNs, cgroupPids: pidsInCgroups, spare: [process.pid, process.ppid] });
    if (pids.length === 0) return killed;
    const left = await killAndWait(pids);
    if (left.length) throw new RfoError('RFO_LAB_NODE_FAILED', `${what}: processes ${left.join(', ')} survived SIGKILL`, { hint: 'look at them with ps -o pid,stat,cmd -p <pid> (D state: stuck in the kernel)' });
    killed += pids.length;
  }
  throw new RfoError('RFO_LAB_NODE_FAILED', `${what}: new processes kept appearing after 10 kill passes`, { hint: 'look for a process restarting them: ps -eo pid,ppid,cmd' });
}

/**
 * Sweep until a fresh read of /proc finds nothing in the node's mount
 * namespace. One CI run (2026-12-06) found a process there right after a
 * sweep whose last pass had found none: something entered or forked into the
 * namespace in between. A few more rounds catch such late arrivals; what
 * still stays is named in the error.
 */
async function sweepUntilEmpty(node: { readonly name: string; readonly mntNs: string; readonly cgroupRoot: string }): Promise<number> {
  let killed = 0;
  let left: ProcInfo[] = [];
  for (let round = 0; round < 5; round++) {
    if (round > 0) await new Promise((r) => setTimeout(r, 500));
    killed += await sweep(new Set([node.mntNs]), [node.cgroupRoot], node.name);
    left = (await readProcesses()).filter((p) => p.mntNs === node.mntNs);
    if (left.length === 0) return killed;
  }
  const names = left.map((p) => `${p.pid} (${p.cmdline.join(' ').slice(0, 80)})`).join(', ');
  throw new RfoError('RFO_LAB_NODE_FAILED', `${node.name}: its mount namespace still has processes: ${names}`, { hint: 'rfo lab down' });
}

/**
 * Stop a node like a crash: `rfo killall` inside its namespaces (scoped to
 * its run dir), then SIGKILL whatever of its mount namespace or cgroup root
 * is left (`hard`: only the SIGKILL, like a power cut; the node's network
 * namespace then keeps its pod interfaces and rules, as a rebooted host's
 * would not, and rfo copes with both). With its last process gone the mount
 * namespace, and every mount in it, is gone too. The data stays for `startNode`.
 */
export async function stopNode(nodeName: string, options: LabRef & { log?: (l: string) => void; /** SIGKILL everything at once, no killall: a power cut. */ hard?: boolean } = {}): Promise<void> {
  requireRoot();
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  if (node.mntNs) {
    const inNs = (await readProcesses()).filter((p) => p.mntNs === node.mntNs);
    const anchor = inNs.find((p) => p.pid === node.pid) ?? inNs[0];
    if (anchor && !options.hard) {
      const r = await run({ cmd: 'nsenter', args: [`--mount=/proc/${anchor.pid}/ns/mnt`, `--net=/run/netns/${node.netns}`, '--', node.argv[0] ?? 'rfo', 'killall', '--run-dir', node.runDir] });
      if (r.code !== 0) log(`${node.name}: rfo killall exited ${r.code}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
    }
    const killed = await sweepUntilEmpty({ name: node.name, mntNs: node.mntNs, cgroupRoot: node.cgroupRoot });
    if (killed) log(`${node.name}: killed ${killed} leftover process(es)`);
  }
  delete node.pid;
  delete node.mntNs;
  await writeState(state);
  log(`${node.name}: stopped (${seconds(t0)})`);
}

/** Start a stopped node again with the command line it was created with. */
export async function startNode(nodeName: string, options: LabRef & { wait?: boolean; log?: (l: string) => void; readyTimeoutMs?: number } = {}): Promise<void> {
  requireRoot();
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  if (await isRunning(node)) throw new RfoError('RFO_USAGE', `${node.name} is already running (pid ${node.pid})`, { hint: `rfo lab stop ${node.name} first` });
  // A leftover of a crashed node (shims, containers) would hold its ports and mounts.
  if (node.mntNs) await sweep(new Set([node.mntNs]), [node.cgroupRoot], node.name);
  await createCgroupRoot(node.cgroupRoot);
  await startNodes(state, [node], { wait: options.wait ?? true, log: options.log ?? (() => {}), timeoutMs: options.readyTimeoutMs ?? 600_000 });
}

/**
 * RKE2's manual upgrade on one node: stop rfo (its pods stop with the node's
 * namespaces, as on a host), switch the node to another runtime (what
 * installing the newer release does), start it again. A start refused by
 * the version-skew check throws with rfo's error, and the node stays stopped
 * on the runtime it asked for: `upgradeNode` it back to the one it ran.
 */
export async function upgradeNode(nodeName: string, runtimeDir: string, options: LabRef & { log?: (l: string) => void; readyTimeoutMs?: number } = {}): Promise<void> {
  requireRoot();
  const runtime = await locateRuntime(runtimeDir);
  await stopNode(nodeName, options);
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  node.argv = withRuntimeDir(node.argv, runtime.dir);
  await writeState(state);
  options.log?.(`${node.name}: runtime ${runtime.manifest.rfoVersion} (${runtime.dir})`);
  await startNode(nodeName, options);
}

/**
 * `kill -9` of a node's rfo alone (an OOM kill, a crash): its components,
 * shims and pods keep running in the node's namespaces, as they do on a host
 * under systemd's KillMode=process. Returns the pid that was killed.
 */
export async function killNodeRfo(nodeName: string, options: LabRef = {}): Promise<number> {
  requireRoot();
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  if (!(await isRunning(node)) || node.pid === undefined) throw new RfoError('RFO_USAGE', `${node.name} is not running`, { hint: `rfo lab start ${node.name}` });
  const pid = node.pid;
  const left = await killAndWait([pid]);
  if (left.length) throw new RfoError('RFO_LAB_NODE_FAILED', `${node.name}: rfo (pid ${pid}) survived SIGKILL`, { hint: 'rfo lab down' });
  return pid;
}

/**
 * Start a node's rfo again after it died, in the namespaces its leftovers
 * still hold (what systemd's Restart=always does on a host): whatever the
 * dead rfo left is the new rfo's to deal with, nothing is swept first.
 */
export async function restartNodeRfo(nodeName: string, options: LabRef & { wait?: boolean; readyTimeoutMs?: number } = {}): Promise<void> {
  requireRoot();
  const state = await requireState(labDirOf(options));
  const node = findNode(state, nodeName);
  if (await isRunning(node)) throw new RfoError('RFO_USAGE', `${node.name}'s rfo is still running (pid ${node.pid})`, { hint: 'kill it first' });
  const inNs = (await readProcesses()).filter((p) => p.mntNs === node.mntNs);
  // Shims outlive everything else rfo starts, so they are the steadiest handle on the namespace.
  const anchor = inNs.find((p) => (p.cmdline[0] ?? '').includes('containerd-shim')) ?? inNs[0];
  if (!anchor || !node.mntNs) throw new RfoError('RFO_USAGE', `${node.name} has no processes left to restart rfo beside`, { hint: `rfo lab start ${node.name}` });
  const logFile = join(node.dir, 'rfo.log');
  const offset = await stat(logFile).then(
    (st) => st.size,
    () => 0,
  );
  const pid = spawnInNode({ netns: node.netns, mntPid: anchor.pid, argv: node.argv, logFile });
  const deadline = Date.now() + 10_000;
  while ((await mntNsOf(pid)) !== node.mntNs && alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if ((await mntNsOf(pid)) !== node.mntNs) throw new RfoError('RFO_LAB_NODE_FAILED', `${node.name}: rfo did not enter the node's namespaces; see ${logFile}`, { hint: 'rfo lab down' });
  node.pid = pid;
  await writeState(state);
  if (options.wait ?? true) await waitReady(logFile, offset, pid, options.readyTimeoutMs ?? 600_000);
}

export interface DownReport {
  readonly processes: number;
  readonly netns: number;
  readonly links: number;
  readonly rules: number;
  /** Cgroup directories that could not be removed (should be empty). */
  readonly cgroupsLeft: readonly string[];
  readonly labDirRemoved: boolean;
}

/** Is this directory something `down` may delete: a lab dir, not a directory given by mistake? */
async function looksLikeLabDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => undefined);
  return entries !== undefined && entries.every((e) => /^(\.?lab\.json.*|[sa]\d+)$/.test(e));
}

/** Every mount point of the mount namespaces other than ours (one process read per namespace). */
async function mountPointsElsewhere(): Promise<Set<string>> {
  const self = await mntNsOf('self');
  const seen = new Set<string>();
  const points = new Set<string>();
  for (const p of await readProcesses()) {
    if (p.mntNs === self || seen.has(p.mntNs)) continue;
    seen.add(p.mntNs);
    for (const m of parseMountPoints(await readFile(`/proc/${p.pid}/mountinfo`, 'utf8').catch(() => ''))) points.add(m);
  }
  return points;
}

/**
 * Remove everything of the lab: processes, namespaces, interfaces, iptables
 * rules, cgroups, the mount points it made, and the lab dir (data included).
 * Works from the state file, and by names and the lab dir when it is missing,
 * so it is idempotent and cleans up after a crashed `up`.
 */
export async function labDown(options: LabRef & { name?: string; log?: (l: string) => void } = {}): Promise<DownReport> {
  requireRoot();
  const labDir = labDirOf(options);
  const log = options.log ?? (() => {});
  const state = await readState(labDir);
  // Without a state file, names are only swept when known: never another lab's default-named network.
  const name = state?.name ?? options.name ?? (labDir === labDefaults.labDir ? labDefaults.name : undefined);
  const plan = planLab({ ...labDefaults, name: name ?? labDefaults.name, labDir });
  const processes = await readProcesses();
  const namespaces = labNamespaces(processes, labDir, (await mntNsOf('self')) ?? '');
  for (const n of state?.nodes ?? []) if (n.mntNs) namespaces.add(n.mntNs);
  const cgroupRoots = [...new Set([...(state?.nodes ?? []).map((n) => n.cgroupRoot), ...(name ? await labCgroupRoots(name) : [])])];
  const killed = await sweep(namespaces, cgroupRoots, `lab ${name ?? labDir}`);
  const net = name ? await removeNetwork(name, state?.ruleComment ?? plan.ruleComment) : { netns: 0, links: 0, rules: 0 };
  const cgroupsLeft: string[] = [];
  for (const root of cgroupRoots) cgroupsLeft.push(...(await removeCgroupRoot(root)));
  // Only those no other lab's node still mounts on (plan-mount-points.ts): removing one would detach its mounts.
  for (const dir of removableMountPoints(state?.createdMountPoints ?? [], await mountPointsElsewhere())) await rmdir(dir).catch(() => undefined);
  let labDirRemoved = false;
  if (state || (await looksLikeLabDir(labDir))) {
    await rm(labDir, { recursive: true, force: true, maxRetries: 5 });
    labDirRemoved = true;
  }
  log(`lab ${name ?? labDir}: down — killed ${killed} process(es), removed ${net.netns} netns, ${net.links} interface(s), ${net.rules} iptables rule(s)${cgroupsLeft.length ? `; cgroups left: ${cgroupsLeft.join(', ')}` : ''}`);
  return { processes: killed, ...net, cgroupsLeft, labDirRemoved };
}
