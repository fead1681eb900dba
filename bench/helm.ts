// npm run bench:helm
// Single-node server in a test node: cold start to "rfo is ready" with CoreDNS
// installed as the rfo-coredns chart (helm-controller's job), then, N times
// each, a HelmChart applied → its release deployed, for a chart inline
// (chartContent) and for one from an HTTPS chart repository (repo + repoCA);
// and helm-controller's idle RSS. Results: bench/results/helm-<date>.json.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '../src/build/paths.ts';
import { run } from '../src/util/exec.ts';
import { createTestNode } from '../test/integration/helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from '../test/integration/helpers/server-dirs.ts';
import { findRuntime } from '../test/integration/helpers/runtime.ts';
import { makeChart, makeRepoTls, serveRepo } from '../test/integration/helpers/chart-repo.ts';
import { eventually } from '../test/integration/helpers/eventually.ts';
import { untilReady } from '../test/integration/helpers/rfo-process.ts';
import { saveBenchResult } from './save-result.ts';

const rounds = Number(process.env.RFO_BENCH_ROUNDS ?? 3);
const rfo = join(repoRoot, 'bin', 'rfo');
const root = await mkdtemp('/var/tmp/rfo-bench-helm-');
const node = await createTestNode('rfo-bench-helm', 44);
const runtimeDir = (await findRuntime()).dir;
const dirs = serverDirs(root, join(root, 'rfo.yaml'));
const { data, kubeconfig } = dirs;
const args = testServerArgs(dirs, { nodeIp: node.ip, runtimeDir });
const helmBin = join(data, 'bin', 'helm');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const t0 = Date.now();
const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
let out = '';
proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
const repoPort = 8443;
let repo: ReturnType<typeof spawn> | undefined;
try {
  await untilReady(proc, () => out);
  const coldReadySeconds = (Date.now() - t0) / 1000;
  const corednsLine = /coredns-manifest ready.*|coredns ready.*/g;
  process.stderr.write(`cold start to rfo is ready (CoreDNS as a chart): ${coldReadySeconds}s\n`);

  const kubectl = (input: string, ...a: string[]) => node.exec(join(data, 'bin', 'kubectl'), ['--kubeconfig', kubeconfig, ...a], input);
  const deployed = async (name: string) => {
    const r = await node.exec(helmBin, ['--kubeconfig', kubeconfig, 'status', name, '-n', 'default', '-o', 'json']);
    return r.code === 0 && (JSON.parse(r.stdout) as { info?: { status?: string } }).info?.status === 'deployed';
  };
  const charts = join(root, 'charts');
  await mkdir(charts, { recursive: true });
  const tgz = await makeChart(helmBin, charts, 'greet', '0.1.0');
  const index = await run({ cmd: helmBin, args: ['repo', 'index', charts, '--url', `https://${node.ip}:${repoPort}`] });
  if (index.code !== 0) throw new Error(index.stderr);
  const tls = await makeRepoTls(node, root);
  repo = await serveRepo(node, charts, tls, repoPort);
  const ca = await readFile(tls.ca, 'utf8');
  const content = (await readFile(tgz)).toString('base64');

  const measureApply = async (name: string, spec: object): Promise<number> => {
    const started = Date.now();
    const r = await kubectl(stringify({ apiVersion: 'helm.cattle.io/v1', kind: 'HelmChart', metadata: { name, namespace: 'kube-system' }, spec: { targetNamespace: 'default', ...spec } }), 'apply', '-f', '-');
    if (r.code !== 0) throw new Error(r.stderr);
    await eventually(`${name} deployed`, () => deployed(name), 180_000, 100);
    return (Date.now() - started) / 1000;
  };
  const inline: number[] = [];
  const fromRepo: number[] = [];
  for (let i = 0; i < rounds; i++) {
    inline.push(await measureApply(`inline-${i}`, { chartContent: content }));
    fromRepo.push(await measureApply(`repo-${i}`, { repo: `https://${node.ip}:${repoPort}`, repoCA: ca, chart: 'greet', version: '0.1.0' }));
    process.stderr.write(`round ${i + 1}: chartContent ${inline.at(-1)}s, repo ${fromRepo.at(-1)}s\n`);
  }

  // helm-controller's memory once idle
  await new Promise((r) => setTimeout(r, 10_000));
  const pids = (await run({ cmd: 'pgrep', args: ['-f', `helm-controller --kubeconfig=${data}`] })).stdout.trim().split('\n').filter(Boolean);
  let controllerRssMiB = 0;
  for (const pid of pids) controllerRssMiB += Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

  const result = {
    benchmark: 'helm',
    date: new Date().toISOString(),
    coldStartReadySeconds: coldReadySeconds,
    rfoStartLog: out.match(corednsLine) ?? [],
    applyToDeployedSeconds: {
      chartContent: { median: median(inline), runs: inline },
      repository: { median: median(fromRepo), runs: fromRepo },
    },
    helmControllerIdleRssMiB: Math.round(controllerRssMiB * 10) / 10,
    notes: 'apply → deployed: kubectl apply of a HelmChart until helm status says deployed (helm-controller creates the job, the job pod runs helm install); repository = HTTPS with its own CA on the node',
  };
  const file = await saveBenchResult('helm', result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`bench:helm → ${file}\n`);
} finally {
  repo?.kill();
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  await node.exec(rfo, killallArgs(dirs));
  await node.destroy();
  await rm(root, { recursive: true, force: true });
}
