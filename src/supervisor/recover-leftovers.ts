// At start, before preflight: find what an earlier rfo of this instance left
// running (see plan-recovery.ts for the decision), refuse if that rfo is
// still alive, otherwise stop its components (SIGTERM, then SIGKILL after
// leftoverStopMs) and remove their stale pid files. Pods keep running.

import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { bootTimeMs, readProcTable, userHz } from '../util/proc-table.ts';
import { managedMarker } from './plan-component-env.ts';
import { planRecovery } from './plan-recovery.ts';
import type { RecoveryProcess } from './plan-recovery.ts';

/** The longest any component's own stop takes (stopTimeoutMs of the specs). */
export const leftoverStopMs = 10_000;

const markerPrefix = `${managedMarker}=`;

async function readProcesses(): Promise<RecoveryProcess[]> {
  const boot = await bootTimeMs();
  return (await readProcTable()).map((p) => {
    const marker = p.environ.find((e) => e.startsWith(markerPrefix))?.slice(markerPrefix.length);
    return { pid: p.pid, ppid: p.ppid, cmdline: p.cmdline, state: p.state, startedMs: boot + (p.startTicks * 1000) / userHz, ...(marker !== undefined ? { marker } : {}) };
  });
}

/** Still running (a zombie has exited; its parent, init here, reaps it). */
async function running(pid: number): Promise<boolean> {
  const st = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return st !== '' && !st.slice(st.lastIndexOf(')') + 2).startsWith('Z');
}

async function waitGone(pids: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = [...pids];
  for (;;) {
    const states = await Promise.all(left.map(running));
    left = left.filter((_, i) => states[i]);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const signal = (pids: readonly number[], sig: NodeJS.Signals) => {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone meanwhile
    }
  }
};

async function recoveryPlan(runDir: string) {
  const pidPath = join(runDir, 'rfo.pid');
  const pidText = await readFile(pidPath, 'utf8').catch(() => '');
  const pidFile = /^\d+\s*$/.test(pidText) ? { pid: Number(pidText), writtenMs: (await stat(pidPath)).mtimeMs } : undefined;
  return planRecovery({ instance: runDir, selfPid: process.pid, processes: await readProcesses(), ...(pidFile ? { pidFile } : {}) });
}

/**
 * The pid of the rfo server/agent of this run dir if it is alive (rfo.pid
 * names a running rfo started before the file was written), else undefined.
 * Management commands that must run while rfo is stopped ask this.
 */
export async function liveRfoPid(runDir: string): Promise<number | undefined> {
  const plan = await recoveryPlan(runDir);
  return plan.action === 'refuse' ? plan.pid : undefined;
}

export async function recoverLeftovers(runDir: string, log: (m: string) => void): Promise<void> {
  const plan = await recoveryPlan(runDir);
  if (plan.action === 'refuse') {
    throw new RfoError('RFO_USAGE', `another rfo is running for run dir ${runDir} (pid ${plan.pid})`, {
      hint: `stop it first (systemctl stop rfo-server / rfo-agent, or kill ${plan.pid}); give each rfo on a host its own --run-dir`,
    });
  }
  if (plan.stop.length > 0) {
    log(
      `an earlier rfo of ${runDir} is gone but left ${plan.stop.length} process(es): ${plan.stop.map((p) => `${p.name} ${p.pid}`).join(', ')}; ` +
        `stopping them to start fresh (${plan.kept} pod process(es) under containerd shims keep running)`,
    );
    const pids = plan.stop.map((p) => p.pid);
    signal(pids, 'SIGTERM');
    const stubborn = await waitGone(pids, leftoverStopMs);
    if (stubborn.length > 0) {
      log(`WARNING: ${stubborn.join(', ')} did not stop within ${leftoverStopMs} ms of SIGTERM; killing them`);
      signal(stubborn, 'SIGKILL');
      const left = await waitGone(stubborn, 5_000);
      if (left.length > 0) {
        throw new RfoError('RFO_USAGE', `processes ${left.join(', ')} of an earlier rfo survive SIGKILL`, { hint: 'look at them with ps -o pid,stat,cmd -p <pid> (D state: stuck in the kernel), then start rfo again' });
      }
    }
  }
  // The components' pid files name processes that are gone now.
  for (const f of await readdir(runDir).catch(() => [] as string[])) if (f.endsWith('.pid') && f !== 'rfo.pid') await rm(join(runDir, f), { force: true });
}
