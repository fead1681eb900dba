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

const rfo = join(repoRoot, 'bin', 'rfo');
const idleSeconds = Number(process.env.RFO_BENCH_IDLE_SECONDS ?? 60);
const root = await mkdtemp('/var/tmp/rfo-bench-server-');
const node = await createTestNode('rfo-bench', 42);
const runtimeDir = (await findRuntime()).dir;
const args = ['server', '--config', '/dev/null', '--data-dir', join(root, 'data'), '--run-dir', join(root, 'run'), '--kubelet-dir', join(root, 'kubelet'), '--cni-conf-dir', join(root, 'cni'), '--write-kubeconfig', join(root, 'rfo.yaml'), '--node-ip', node.ip, '--runtime-dir', runtimeDir];

interface Run {
  stop(): Promise<void>;
  readySeconds: number;
  nodeReadySeconds: number;
  pid: number;
}

async function start(): Promise<Run> {
  const t0 = Date.now();
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  let nodeReady = 0;
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (!nodeReady && /node \S+ Ready/.test(out)) nodeReady = Date.now() - t0;
      if (out.includes('rfo is ready')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`rfo exited ${code}\n${out}`)));
  });
  return {
    readySeconds: (Date.now() - t0) / 1000,
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
async function memoryByProcess(rfoPid: number): Promise<{ rss: Record<string, number>; pss: Record<string, number> }> {
  const table = new Map<number, { ppid: number; name: string; rss: number; pss: number; managed: boolean }>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const env = await readFile(`/proc/${pid}/environ`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
      const pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
      table.set(Number(pid), { ppid: Number(/PPid:\s+(\d+)/.exec(status)?.[1]), name: /Name:\s+(\S+)/.exec(status)?.[1] ?? pid, rss, pss, managed: env.split('\0').includes(`RFO_MANAGED=${join(root, 'run')}`) });
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
  for (const pid of ours) {
    const p = table.get(pid);
    if (!p) continue;
    const name = pid === rfoPid ? 'rfo' : p.name;
    rss[name] = Math.round(((rss[name] ?? 0) + p.rss) * 10) / 10;
    pss[name] = Math.round(((pss[name] ?? 0) + p.pss) * 10) / 10;
  }
  return { rss, pss };
}

const sum = (m: Record<string, number>) => Math.round(Object.values(m).reduce((a, b) => a + b, 0) * 10) / 10;

try {
  const cold = await start();
  process.stderr.write(`cold: node Ready ${cold.nodeReadySeconds}s, rfo ready ${cold.readySeconds}s; idling ${idleSeconds}s\n`);
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const mem = await memoryByProcess(cold.pid);
  const total = sum(mem.pss);
  await cold.stop();
  const warm = await start();
  await warm.stop();
  await node.exec(rfo, ['killall', '--config', '/dev/null', '--data-dir', join(root, 'data'), '--run-dir', join(root, 'run'), '--kubelet-dir', join(root, 'kubelet')]);
  const result = {
    benchmark: 'server',
    date: new Date().toISOString(),
    coldStart: { nodeReadySeconds: cold.nodeReadySeconds, readySeconds: cold.readySeconds },
    warmRestart: { nodeReadySeconds: warm.nodeReadySeconds, readySeconds: warm.readySeconds },
    idleAfterSeconds: idleSeconds,
    idlePssMiB: { total, byProcess: mem.pss },
    idleRssMiB: { total: sum(mem.rss), byProcess: mem.rss },
    targets: { coldReadySeconds: 20, totalIdleMemoryMiB: 800 },
    notes: '"ready" = node Ready and CoreDNS answering kubernetes.default; RSS sums rfo, its components and the pods (pause, coredns) under containerd shims',
  };
  await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
  const file = join(repoRoot, 'bench', 'results', `server-${result.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench:server cold ready ${cold.readySeconds}s, warm ${warm.readySeconds}s, idle PSS ${total} MiB (RSS ${sum(mem.rss)} MiB) → ${file}\n`);
} finally {
  await node.destroy();
  await rm(root, { recursive: true, force: true });
}
