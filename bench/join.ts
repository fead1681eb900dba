// npm run bench:join
// A lab of three servers and one agent on this host. Measures, from each
// node's own log: agent join → node Ready; server join → etcd voter and →
// "rfo is ready". Then kills the server the agent's load balancer prefers and
// SIGKILLs all of its processes at once (power loss), and measures how long
// until a request through the agent's load balancer succeeds again (a new
// connection skips the dead apiserver at once; the request itself waits for
// etcd to elect a new leader when the dead server was the leader), and when
// the load balancer's health check marked the dead server. Results: bench/results/join-<date>.json.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { labDown, labExec, labUp } from '../src/lab/lab.ts';
import { killAndWait, mntNsOf, readProcesses } from '../src/lab/node-process.ts';
import { readState } from '../src/lab/lab-state.ts';
import { saveBenchResult } from './save-result.ts';

const root = await mkdtemp('/var/tmp/rfo-bench-join-');
const labDir = join(root, 'lab');
const log = (l: string) => process.stderr.write(`${l}\n`);

/** Seconds between the node's first log line and the first line matching re. */
async function logSeconds(node: string, re: RegExp): Promise<number | undefined> {
  const state = await readState(labDir);
  const dir = state?.nodes.find((n) => n.name === node)?.dir ?? '';
  const lines = (await readFile(join(dir, 'rfo.log'), 'utf8')).split('\n');
  const at = (l: string) => Date.parse(l.slice(0, 24));
  const first = lines.find((l) => !Number.isNaN(at(l)));
  const hit = lines.find((l) => re.test(l) && !Number.isNaN(at(l)));
  return first && hit ? (at(hit) - at(first)) / 1000 : undefined;
}

try {
  const t0 = Date.now();
  await labUp({ servers: 3, agents: 1, labDir, subnet: '10.198.100.0/24', name: 'rfobj', log });
  const upSeconds = (Date.now() - t0) / 1000;
  const results = {
    firstServerReady: await logSeconds('s1', /rfo is ready/),
    serverJoin: await Promise.all(['s2', 's3'].map(async (n) => ({ node: n, etcdVoter: await logSeconds(n, /etcd: promoted/), ready: await logSeconds(n, /rfo is ready/) }))),
    agentJoinToReady: await logSeconds('a1', /rfo agent is ready/),
  };
  log(`server s1 ready ${results.firstServerReady}s; joins: ${JSON.stringify(results.serverJoin)}; agent ready ${results.agentJoinToReady}s`);

  // Which apiserver does the agent use? Its load balancer logs the preferred one.
  const state = await readState(labDir);
  const a1Log = await readFile(join(state?.nodes.find((n) => n.name === 'a1')?.dir ?? '', 'rfo.log'), 'utf8');
  const preferredIp = [...a1Log.matchAll(/apiserver (\S+):\d+ is now preferred/g)].at(-1)?.[1] ?? state?.nodes[0]?.ip;
  const victim = state?.nodes.find((n) => n.ip === preferredIp)?.name ?? 's1';
  const viaLb = () => labExec('a1', ['/var/lib/rancher/rfo/bin/kubectl', '--request-timeout=2s', '--kubeconfig', '/var/lib/rancher/rfo/agent/kubelet.kubeconfig', 'get', 'node', 'a1', '-o', 'name'], { labDir });
  // Power loss, not a clean stop: SIGKILL every process in the victim's mount namespace at once.
  const victimPid = state?.nodes.find((n) => n.name === victim)?.pid ?? 0;
  const ns = await mntNsOf(victimPid);
  const pids = (await readProcesses()).filter((p) => p.mntNs === ns).map((p) => p.pid);
  const killed = Date.now();
  await killAndWait(pids);
  const stopSeconds = (Date.now() - killed) / 1000;
  let firstOk = 0;
  while (!firstOk && Date.now() - killed < 120_000) if ((await viaLb()).code === 0) firstOk = Date.now();
  // When the load balancer noticed (a failed dial or its health check): the timestamp of its log line.
  const a1Dir = state?.nodes.find((n) => n.name === 'a1')?.dir ?? '';
  let marked = 0;
  while (!marked && Date.now() - killed < 60_000) {
    const line = (await readFile(join(a1Dir, 'rfo.log'), 'utf8')).split('\n').find((l) => l.includes(`apiserver ${preferredIp}:6443 is unreachable`) && Date.parse(l.slice(0, 24)) >= killed - 1000);
    if (line) marked = Date.parse(line.slice(0, 24));
    else await new Promise((r) => setTimeout(r, 200));
  }
  const failover = { victim, killedProcesses: pids.length, killSeconds: stopSeconds, firstRequestThroughLbAfterKillSeconds: firstOk ? (firstOk - killed) / 1000 : null, lbMarkedDeadSeconds: marked ? (marked - killed) / 1000 : null };
  log(`failover: ${JSON.stringify(failover)}`);
  const out = { date: new Date().toISOString(), host: { cores: (await import('node:os')).cpus().length }, labUpSeconds: upSeconds, ...results, failover };
  const file = await saveBenchResult('join', out);
  log(`bench:join: lab up ${upSeconds.toFixed(1)}s, agent ready ${results.agentJoinToReady}s, failover ${failover.firstRequestThroughLbAfterKillSeconds}s → ${file}`);
} finally {
  await labDown({ labDir }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
}
