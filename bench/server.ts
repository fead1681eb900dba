// npm run bench:server
// Single-node server in a test node (network namespace): cold start to node
// Ready and to "rfo is ready" (CoreDNS answering), warm restart, and idle
// RSS per process and in total after 60 s. Results: bench/results/server-<date>.json.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { createTestNode } from '../test/integration/helpers/test-node.ts';
import { findRuntime } from '../test/integration/helpers/runtime.ts';
import { saveBenchResult } from './save-result.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
const idleSeconds = Number(process.env.RFO_BENCH_IDLE_SECONDS ?? 60);
const root = await mkdtemp('/var/tmp/rfo-bench-server-');
const node = await createTestNode('rfo-bench', 42);
const runtimeDir = (await findRuntime()).dir;
// Through the environment, not a flag: a baseline rfo from before cni-state-dir ignores it (and then uses the host's).
const cniStateEnv = { RFO_CNI_STATE_DIR: join(root, 'cni-state') };
const args = ['server', '--config', '/dev/null', '--data-dir', join(root, 'data'), '--run-dir', join(root, 'run'), '--kubelet-dir', join(root, 'kubelet'), '--cni-conf-dir', join(root, 'cni'), '--write-kubeconfig', join(root, 'rfo.yaml'), '--node-ip', node.ip, '--runtime-dir', runtimeDir];

interface Run {
  stop(): Promise<void>;
  readySeconds: number;
  nodeReadySeconds: number;
  /** "exited …; restarting" lines rfo logged before it was ready. */
  restarts: number;
  pid: number;
}

let logCount = 0;

async function start(rfoBin: string): Promise<Run> {
  const t0 = Date.now();
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfoBin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...cniStateEnv } });
  let out = '';
  let nodeReady = 0;
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (!nodeReady && /node \S+ Ready/.test(out)) nodeReady = Date.now() - t0;
      if (out.includes('rfo is ready')) {
        // RFO_BENCH_LOG=<file>: keep rfo's start log (which component took how long).
        if (process.env.RFO_BENCH_LOG) void writeFile(`${process.env.RFO_BENCH_LOG}.${++logCount}`, out);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`rfo exited ${code}\n${out}`)));
  });
  return {
    readySeconds: (Date.now() - t0) / 1000,
    restarts: (out.match(/exited .*restarting in/g) ?? []).length,
    nodeReadySeconds: nodeReady / 1000,
    pid: proc.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * RSS and PSS (MiB) of rfo and every process carrying RFO_MANAGED, containers
 * included via their shims. RSS counts shared pages once per process (the
 * multi-call Kubernetes binary is mapped by five); PSS splits them, so the
 * PSS total is the memory the cluster really takes.
 */
async function memoryByProcess(rfoPid: number): Promise<{ rss: Record<string, number>; pss: Record<string, number>; pssAnon: Record<string, number>; cpuTicks: Record<string, number> }> {
  const table = new Map<number, { ppid: number; name: string; rss: number; pss: number; pssAnon: number; cpuTicks: number; managed: boolean }>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const env = await readFile(`/proc/${pid}/environ`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
      const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
      // The rest of PSS is file-backed: binary pages, which the kernel can drop and read again.
      const pssAnon = Number(/^Pss_Anon:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
      const stat = await statFields(pid);
      const cpuTicks = Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
      table.set(Number(pid), { ppid: Number(/PPid:\s+(\d+)/.exec(status)?.[1]), name: /Name:\s+(\S+)/.exec(status)?.[1] ?? pid, rss, pss, pssAnon, cpuTicks, managed: env.split('\0').includes(`RFO_MANAGED=${join(root, 'run')}`) });
    } catch {
      // exited
    }
  }
  const ours = new Set<number>([rfoPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of table) {
      if (!ours.has(pid) && (p.managed || ours.has(p.ppid))) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  const rss: Record<string, number> = {};
  const pss: Record<string, number> = {};
  const pssAnon: Record<string, number> = {};
  const cpuTicks: Record<string, number> = {};
  for (const pid of ours) {
    const p = table.get(pid);
    if (!p) continue;
    const name = pid === rfoPid ? 'rfo' : p.name;
    rss[name] = Math.round(((rss[name] ?? 0) + p.rss) * 10) / 10;
    pss[name] = Math.round(((pss[name] ?? 0) + p.pss) * 10) / 10;
    pssAnon[name] = Math.round(((pssAnon[name] ?? 0) + p.pssAnon) * 10) / 10;
    cpuTicks[name] = (cpuTicks[name] ?? 0) + p.cpuTicks;
  }
  return { rss, pss, pssAnon, cpuTicks };
}

/** CPU seconds (user+system) of rfo itself plus the children it has reaped (kubectl, ctr). */
async function cpuSeconds(pid: number): Promise<number> {
  const f = await statFields(pid);
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

/**
 * /proc/<pid>/stat after the comm field (which may hold spaces and parentheses):
 * fields 14-17 (utime, stime, cutime, cstime) are at 11-14; clock ticks of 1/100 s.
 */
async function statFields(pid: number | string): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Until every HelmChart's install job has completed and every pod runs and is
 * ready (the default add-ons: CoreDNS, metrics-server, local-path, network
 * policy, Traefik...). Seconds since the start; throws after 10 minutes.
 */
async function addonsSettled(startedAt: number): Promise<number> {
  const kubectl = join(runtimeDir, 'bin', 'kubectl');
  const deadline = Date.now() + 600_000;
  let last = '';
  while (Date.now() < deadline) {
    const r = await node.exec(kubectl, ['--kubeconfig', join(root, 'rfo.yaml'), 'get', 'helmcharts,pods', '-A', '-o', 'json']);
    if (r.code === 0) {
      const items = (JSON.parse(r.stdout) as { items: { kind: string; metadata: { name: string }; status?: { jobName?: string; phase?: string; conditions?: { type: string; status: string }[] } }[] }).items;
      const charts = items.filter((i) => i.kind === 'HelmChart');
      const pods = items.filter((i) => i.kind === 'Pod');
      const waiting = pods.filter((p) => p.status?.phase !== 'Succeeded' && !(p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')));
      const installing = pods.filter((p) => p.metadata.name.startsWith('helm-install-') && p.status?.phase !== 'Succeeded');
      last = `${charts.length} charts, ${pods.length} pods, waiting: ${waiting.map((p) => p.metadata.name).join(', ') || 'none'}`;
      if (charts.length > 0 && waiting.length === 0 && installing.length === 0 && pods.length > charts.length) return Math.round((Date.now() - startedAt) / 100) / 10;
    }
    await new Promise((res) => setTimeout(res, 2000));
  }
  throw new Error(`add-ons not running after 10 minutes: ${last}`);
}

const sum = (m: Record<string, number>) => Math.round(Object.values(m).reduce((a, b) => a + b, 0) * 10) / 10;

/** One full measurement of an rfo binary: cold start, idle CPU and memory, warm restart. Each gets a fresh data dir. */
async function measure(rfoBin: string, label: string) {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const cold = await start(rfoBin);
  process.stderr.write(`${label} cold: node Ready ${cold.nodeReadySeconds}s, rfo ready ${cold.readySeconds}s; waiting for the add-ons\n`);
  // Memory is measured with every default add-on running (their charts install after "rfo is ready").
  const addonsSeconds = await addonsSettled(Date.now() - cold.readySeconds * 1000);
  process.stderr.write(`${label}: add-ons running ${addonsSeconds}s after the start; idling ${idleSeconds}s\n`);
  // Idle CPU is measured after a 10 s settle, over the rest of the idle window.
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu0 = await cpuSeconds(cold.pid);
  const ticks0 = (await memoryByProcess(cold.pid)).cpuTicks;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, Math.max(1, idleSeconds - 10) * 1000));
  const idleCpuPercent = Math.round((((await cpuSeconds(cold.pid)) - cpu0) / ((Date.now() - t0) / 1000)) * 1000) / 10;
  const mem = await memoryByProcess(cold.pid);
  // Every process's CPU over the same window (clock ticks of 1/100 s → % of one core).
  const window = (Date.now() - t0) / 1000;
  const cpuByProcess = Object.fromEntries(Object.entries(mem.cpuTicks).map(([name, t]) => [name, Math.round(((t - (ticks0[name] ?? 0)) / window) * 10) / 10]));
  await cold.stop();
  const warm = await start(rfoBin);
  await warm.stop();
  await node.exec('env', [`RFO_CNI_STATE_DIR=${cniStateEnv.RFO_CNI_STATE_DIR}`, rfoBin, 'killall', '--config', '/dev/null', '--data-dir', join(root, 'data'), '--run-dir', join(root, 'run'), '--kubelet-dir', join(root, 'kubelet')]);
  const r = {
    rfo: rfoBin,
    coldStart: { nodeReadySeconds: cold.nodeReadySeconds, readySeconds: cold.readySeconds, addonsRunningSeconds: addonsSeconds },
    warmRestart: { nodeReadySeconds: warm.nodeReadySeconds, readySeconds: warm.readySeconds },
    idleAfterSeconds: idleSeconds,
    rfoIdleCpuPercentOfOneCore: idleCpuPercent,
    componentRestartsDuringColdStart: cold.restarts,
    idlePssMiB: { total: sum(mem.pss), byProcess: mem.pss },
    idlePssAnonMiB: { total: sum(mem.pssAnon), byProcess: mem.pssAnon },
    idleCpuPercentOfOneCore: { total: sum(cpuByProcess), byProcess: cpuByProcess },
    idleRssMiB: { total: sum(mem.rss), byProcess: mem.rss },
  };
  process.stderr.write(`${label}: cold ready ${cold.readySeconds}s, warm ${warm.readySeconds}s, rfo idle CPU ${idleCpuPercent}% of a core, rfo RSS ${mem.rss.rfo ?? 0} MiB, restarts ${cold.restarts}, idle PSS ${r.idlePssMiB.total} MiB (anon ${r.idlePssAnonMiB.total}; RSS ${r.idleRssMiB.total} MiB)\n`);
  return r;
}

try {
  // RFO_BENCH_BASELINE=<checkout>/bin/rfo measures an earlier rfo (the previous release) in the same run, first.
  const baselineBin = process.env.RFO_BENCH_BASELINE;
  const baseline = baselineBin ? await measure(baselineBin, 'baseline') : undefined;
  const current = await measure(rfo, 'current');
  const result = {
    benchmark: 'server',
    date: new Date().toISOString(),
    ...current,
    ...(baseline ? { baseline } : {}),
    targets: { coldReadySeconds: 12, warmReadySeconds: 6, rfoIdleCpuPercent: 0.5, rfoIdleRssMiB: 80, totalIdlePssWithAddonsMiB: 1024 },
    notes: '"ready" = node Ready and CoreDNS answering kubernetes.default; memory is measured once every default add-on runs (addonsRunningSeconds); RSS/PSS sum rfo, its components and the pods under containerd shims (by process name); rfo CPU includes the children it reaped (kubectl, ctr)',
  };
  const file = await saveBenchResult('server', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench:server → ${file}\n`);
} finally {
  await node.destroy();
  await rm(root, { recursive: true, force: true });
}
