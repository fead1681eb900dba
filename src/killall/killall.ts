// `rfo killall`: stop rfo and everything it started (containers included),
// unmount pod volumes and container root file systems, remove the pod
// network interfaces, rfo's iptables rules and the stopped pods' IP
// reservations. The data dir stays.

import { readFile, rm } from 'node:fs/promises';
import { readProcTable } from '../util/proc-table.ts';
import { run } from '../util/exec.ts';
import { managedMarker } from '../supervisor/supervisor.ts';
import { join } from 'node:path';
import { ipamReservationsDir } from '../render/cni-config.ts';
import { filterIptablesSave, kubeRouterIpsets, planKillall } from './plan-killall.ts';
import type { KillallPlan, ProcessInfo } from './plan-killall.ts';

const markerPrefix = `${managedMarker}=`;

async function readProcesses(): Promise<ProcessInfo[]> {
  return (await readProcTable()).map((p) => {
    const marker = p.environ.find((e) => e.startsWith(markerPrefix))?.slice(markerPrefix.length);
    return { pid: p.pid, ppid: p.ppid, cmdline: p.cmdline, ...(marker !== undefined ? { marker } : {}) };
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stopAll(pids: readonly number[], graceMs: number): Promise<void> {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 200));
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

export interface KillallOptions {
  readonly ownedDirs: readonly string[];
  /** The node's bin directory (<data-dir>/bin): its kube-router removes the policy ipsets where the host has no ipset tool. */
  readonly binDir?: string;
  readonly runDir: string;
  /** cni-state-dir: the reservations of the pods killall stopped are released, or they leak until the range is full. */
  readonly cniStateDir: string;
  readonly log: (message: string) => void;
}

export async function killall(options: KillallOptions): Promise<KillallPlan> {
  const pidText = await readFile(join(options.runDir, 'rfo.pid'), 'utf8').catch(() => '');
  const scope = { instance: options.runDir, selfPid: process.pid, ...(/^\d+\s*$/.test(pidText) ? { supervisorPid: Number(pidText) } : {}) };
  const first = planKillall({ ...scope, processes: await readProcesses(), mounts: [], ownedDirs: [], links: [] });
  // rfo itself first: it stops its components in order.
  await stopAll(first.supervisors, 30_000);
  const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' ')).filter(Boolean);
  const linksJson = await run({ cmd: 'ip', args: ['-j', 'link', 'show'] });
  const links = (JSON.parse(linksJson.stdout || '[]') as { ifname: string; master?: string }[]).map((l) => ({ name: l.ifname, ...(l.master ? { master: l.master } : {}) }));
  const plan = planKillall({ ...scope, processes: await readProcesses(), mounts, ownedDirs: options.ownedDirs, links });
  await stopAll(plan.processes, 5_000);
  for (const m of plan.unmounts) {
    await run({ cmd: 'umount', args: ['-l', m] });
  }
  for (const l of plan.links) await run({ cmd: 'ip', args: ['link', 'delete', l] });
  for (const tool of ['iptables', 'ip6tables']) {
    const saved = await run({ cmd: `${tool}-save`, args: [] }).catch(() => undefined);
    if (!saved || saved.code !== 0) continue;
    const kept = filterIptablesSave(saved.stdout);
    if (kept !== saved.stdout) await run({ cmd: `${tool}-restore`, args: [], input: kept });
  }
  const ipsets = await removeKubeRouterIpsets(options.binDir);
  // Their pods are gone and no CNI DEL will come for them: a node killed this
  // way again and again (or whose data dir went) would run out of pod IPs.
  await rm(ipamReservationsDir(options.cniStateDir), { recursive: true, force: true });
  await rm(options.runDir, { recursive: true, force: true });
  options.log(
    `killall: stopped ${first.supervisors.length} rfo and ${plan.processes.length} other processes, ` +
      `unmounted ${plan.unmounts.length} mounts, removed ${plan.links.length} interfaces${ipsets > 0 ? ` and ${ipsets} network policy ipsets` : ''}; data kept`,
  );
  return { ...plan, supervisors: first.supervisors };
}

/**
 * rfo-network-policy's ipsets (its iptables rules went with the KUBE- lines
 * above): through the host's ipset tool, else the node's kube-router binary
 * (netlink; the runtime stages it in bin/). Returns how many were destroyed.
 */
async function removeKubeRouterIpsets(binDir: string | undefined): Promise<number> {
  const listed = await run({ cmd: 'ipset', args: ['list', '-n'] }).catch(() => undefined);
  if (listed && listed.code === 0) {
    const names = kubeRouterIpsets(listed.stdout.split('\n'));
    let n = 0;
    for (const name of names) if ((await run({ cmd: 'ipset', args: ['destroy', name] })).code === 0) n++;
    return n;
  }
  if (!binDir) return 0;
  const cleaned = await run({ cmd: join(binDir, 'kube-router'), args: ['cleanup-ipsets'] }).catch(() => undefined);
  return Number(/destroyed (\d+)/.exec(cleaned?.stdout ?? '')?.[1] ?? 0);
}
