// A lab node's process tree: started detached in the node's namespaces (it
// outlives `rfo lab up`), found again through its mount namespace, waited
// for through its log, and killed as a whole.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { RfoError } from '../errors.ts';
import { tail } from '../util/exec.ts';
import { readProcTable } from '../util/proc-table.ts';
import type { ProcInfo } from './plan-sweep.ts';

export async function mntNsOf(pid: number | string): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/mnt`).catch(() => undefined);
}

export async function readProcesses(): Promise<ProcInfo[]> {
  return (await readProcTable()).filter((p) => p.mntNs !== '').map((p) => ({ pid: p.pid, ppid: p.ppid, mntNs: p.mntNs, cmdline: p.cmdline }));
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL, then wait until they are gone (zombies of dead parents are reaped by init). */
export async function killAndWait(pids: readonly number[], timeoutMs = 20_000): Promise<number[]> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  const isRunning = async (pid: number) => alive(pid) && !/^\d+ \(.*\) Z/.test(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '0 (x) Z'));
  let left = pids;
  while (left.length > 0 && Date.now() < deadline) {
    const states = await Promise.all(left.map(isRunning));
    left = left.filter((_, i) => states[i]);
    if (left.length) await new Promise((r) => setTimeout(r, 200));
  }
  return [...left];
}

export interface SpawnNodeInput {
  readonly netns: string;
  readonly script: string;
  readonly logFile: string;
}

/**
 * nsenter (network) → unshare (mount, UTS) → sh setup script → exec rfo: each step
 * execs the next, so the pid returned is the node's rfo. Detached: its own
 * session, no tie to the caller. A small fixed environment, so the caller's
 * RFO_* variables cannot change the node's configuration.
 */
export function spawnNode(i: SpawnNodeInput): number {
  const log = openSync(i.logFile, 'a');
  try {
    const child = spawn('nsenter', [`--net=/run/netns/${i.netns}`, '--', 'unshare', '--mount', '--uts', '--propagation', 'slave', '--', 'sh', i.script], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' },
    });
    child.unref();
    if (child.pid === undefined) throw new RfoError('RFO_TOOL_MISSING', 'could not start nsenter', { hint: 'install util-linux (nsenter, unshare)' });
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export interface SpawnInNodeInput {
  readonly netns: string;
  /** A process in the node's mount namespace (its setup is done: binds, private /run). */
  readonly mntPid: number;
  readonly argv: readonly string[];
  readonly logFile: string;
}

/**
 * Run the node's rfo again in its existing namespaces, as a service manager
 * restarts a crashed rfo on a real host (same /run, same mounts). nsenter
 * execs the command, so the pid returned is the new rfo.
 */
export function spawnInNode(i: SpawnInNodeInput): number {
  const log = openSync(i.logFile, 'a');
  try {
    const child = spawn('nsenter', [`--mount=/proc/${i.mntPid}/ns/mnt`, `--uts=/proc/${i.mntPid}/ns/uts`, `--net=/run/netns/${i.netns}`, '--', ...i.argv], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8' },
    });
    child.unref();
    if (child.pid === undefined) throw new RfoError('RFO_TOOL_MISSING', 'could not start nsenter', { hint: 'install util-linux (nsenter)' });
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Resolve when the log (from `fromByte`) says /is ready/; fail when the process dies first. */
export async function waitReady(logFile: string, fromByte: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await readFile(logFile).catch(() => Buffer.alloc(0))).subarray(fromByte).toString();
    if (/is ready/.test(text)) return;
    if (!alive(pid) || Date.now() > deadline) {
      const why = alive(pid) ? `not ready after ${Math.round(timeoutMs / 1000)}s` : 'exited';
      throw new RfoError('RFO_LAB_NODE_FAILED', `${why}; last lines of ${logFile}:\n${tail(text, 15)}`, { hint: 'read the log, then rfo lab down' });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
