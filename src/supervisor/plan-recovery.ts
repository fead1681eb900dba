// Pure: what `rfo server`/`rfo agent` does at start about processes an
// earlier rfo of the same instance (run dir) left behind, e.g. after
// `kill -9`, an OOM kill or a crash, when systemd's KillMode=process leaves
// the components running and Restart=always starts rfo again.
//
// Decision: stop them and start fresh, never adopt. An adopted process is
// not our child: no exit notification, no pipe for its log, no restart with
// backoff; we would have to poll and special-case it forever. Restarting is
// simple and safe: etcd, the apiserver, containerd and kubelet all recover
// from a restart by design. What must survive are the pods: the containerd
// shims and everything under them (the containers) are left alone, and the
// new containerd re-attaches to the shims from its state dir.
//
// Components are found by RFO_MANAGED=<run-dir> in /proc/<pid>/environ, not
// by their pid files: a pid file outlives its process and its pid may be
// reused by anything, while the marker names exactly what this instance
// started (also children of components that have no pid file). The pid
// files are only removed afterwards.
//
// A live earlier rfo is never touched: if <run-dir>/rfo.pid names a running
// rfo (the same pid, an rfo server/agent command line, started before the
// pid file was written, so not a reused pid), start is refused.

import { isRfoCommand } from '../killall/plan-killall.ts';

export interface RecoveryProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: readonly string[];
  /** RFO_MANAGED from its environment: the run dir of the rfo that started it. */
  readonly marker?: string;
  /** From /proc/<pid>/stat; Z = a zombie, already dead. */
  readonly state: string;
  /** Start time, ms since the epoch. */
  readonly startedMs: number;
}

export interface RecoveryInput {
  readonly instance: string;
  readonly selfPid: number;
  readonly processes: readonly RecoveryProcess[];
  /** <run-dir>/rfo.pid: the pid in it and when it was written (mtime, ms). */
  readonly pidFile?: { readonly pid: number; readonly writtenMs: number };
}

export type RecoveryPlan =
  | { readonly action: 'refuse'; readonly pid: number }
  | {
      readonly action: 'clean';
      /** Components of the dead rfo (and their helpers), to stop: TERM, then KILL. */
      readonly stop: readonly { readonly pid: number; readonly name: string }[];
      /** Shims and the containers under them: kept running. */
      readonly kept: number;
    };

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const isShim = (p: RecoveryProcess) => basename(p.cmdline[0] ?? '').startsWith('containerd-shim');
/** Slack between a process's start (10 ms ticks) and the pid file's mtime. */
const clockSlackMs = 1000;

export function planRecovery(input: RecoveryInput): RecoveryPlan {
  const live = input.processes.filter((p) => p.state !== 'Z' && p.pid !== input.selfPid);
  const pf = input.pidFile;
  if (pf && pf.pid !== input.selfPid) {
    const owner = live.find((p) => p.pid === pf.pid);
    if (owner && isRfoCommand(owner.cmdline) && owner.startedMs <= pf.writtenMs + clockSlackMs) return { action: 'refuse', pid: owner.pid };
  }
  const children = new Map<number, RecoveryProcess[]>();
  for (const p of input.processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  // The pods: every shim of this instance and its whole subtree.
  const kept = new Set<number>();
  const keep = (p: RecoveryProcess) => {
    if (kept.has(p.pid)) return;
    kept.add(p.pid);
    for (const c of children.get(p.pid) ?? []) keep(c);
  };
  for (const p of input.processes) if (p.marker === input.instance && isShim(p)) keep(p);
  const stop = live
    .filter((p) => p.marker === input.instance && !kept.has(p.pid) && !isRfoCommand(p.cmdline))
    .map((p) => ({ pid: p.pid, name: basename(p.cmdline[0] ?? String(p.pid)) }));
  return { action: 'clean', stop, kept: kept.size };
}
