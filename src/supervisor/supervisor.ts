// Runs one ProcessSpec as a supervised child: its own process group (so
// signals to rfo do not hit it and stop() reaches its children too), output
// through pipes into the component's size-rotated log file, a pid file, the
// RFO_MANAGED marker in its environment (killall and crash recovery use it to
// find strays), restart with backoff when it dies, and stop as SIGTERM, then
// SIGKILL after the spec's timeout.
//
// Pipes, not a file fd: rfo must own the file to rotate it without losing
// lines (rotating-log.ts). The price: when rfo dies, a component's next write
// to its stdout/stderr gets EPIPE, and Go programs then exit with SIGPIPE.
// That is what we want anyway: the next rfo stops a dead rfo's components and
// starts fresh ones (recover-leftovers.ts); pods are not affected (the
// containerd shims get no pipe of rfo's, their stdio is /dev/null).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessSpec } from './process-spec.ts';
import { defaultBackoff, nextDelayMs } from '../util/backoff.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import { planComponentEnv } from './plan-component-env.ts';
import { defaultLogRotation, openRotatingLog } from './rotating-log.ts';
import type { LogRotation, RotatingLog } from './rotating-log.ts';
import { lineSplitter } from './line-splitter.ts';

export interface SupervisorEvents {
  onStart?(name: string, pid: number): void;
  onExit?(name: string, code: number | null, signal: string | null, restartInMs: number | undefined): void;
}

export interface Supervised {
  readonly name: string;
  /** The current child's pid, if running. */
  pid(): number | undefined;
  restarts(): number;
  /**
   * Stop the running child (SIGTERM, then SIGKILL after the spec's timeout) and
   * start it again at once, without the crash backoff: for a changed input such
   * as a renewed certificate. Not counted in restarts(). Rejects after stop().
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  readonly runDir: string;
  readonly backoff?: BackoffPolicy;
  readonly events?: SupervisorEvents;
  readonly logRotation?: LogRotation;
  /** rfo's own log, for problems with a component's log file. */
  readonly log?: (message: string) => void;
}

/** After SIGKILL, how long stop() waits for the exit before giving up (a process stuck in the kernel). */
export const killWaitMs = 2_000;
/** After the exit, how long stop() waits for the last output in the pipes. */
export const drainWaitMs = 500;

/** The longest stop() can take for a spec: SIGTERM, its timeout, SIGKILL, the wait for the exit. */
export const worstCaseStopMs = (spec: { readonly stopTimeoutMs: number }): number => spec.stopTimeoutMs + killWaitMs + drainWaitMs;

export { managedMarker } from './plan-component-env.ts';

/** chown -R, skipping what does not exist (yet): a data dir before the first start, a file not issued. */
function chownTree(path: string, uid: number, gid: number): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (st.uid !== uid || st.gid !== gid) chownSync(path, uid, gid);
  if (st.isDirectory()) for (const entry of readdirSync(path)) chownTree(`${path}/${entry}`, uid, gid);
}

export function supervise(spec: ProcessSpec, options: SupervisorOptions): Supervised {
  const backoff = options.backoff ?? defaultBackoff;
  const pidFile = join(options.runDir, `${spec.name}.pid`);
  let child: ChildProcess | undefined;
  let stopping = false;
  /** The child being replaced by restart(): its exit starts the next one, not the backoff. */
  let replacing: ChildProcess | undefined;
  let attempt = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  let log: RotatingLog | undefined;
  const report = options.log ?? (() => undefined);

  const launch = () => {
    mkdirSync(options.runDir, { recursive: true });
    log ??= openRotatingLog(spec.logFile, options.logRotation ?? defaultLogRotation, report);
    const file = log;
    const started = Date.now();
    const runAs = spec.runAs;
    if (runAs) {
      try {
        for (const p of runAs.owns) chownTree(p, runAs.uid, runAs.gid);
      } catch (err) {
        report(`${spec.name}: could not give its files to uid ${runAs.uid}: ${(err as Error).message}`);
      }
    }
    const proc = spawn(spec.binary, [...spec.args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: planComponentEnv(process.env, spec.env, options.runDir),
      // Node drops the supplementary groups too (setgroups(0)) when it sets these.
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    child = proc;
    for (const stream of [proc.stdout, proc.stderr]) {
      const lines = lineSplitter((chunk) => file.write(chunk));
      stream?.on('data', (d: Buffer) => lines.push(d));
      stream?.on('end', () => lines.flush());
      stream?.on('error', (err) => report(`${spec.name}: reading its output failed: ${err.message}`));
    }
    proc.on('error', () => {
      // 'exit' follows for spawn failures too (e.g. ENOENT); restart logic lives there.
    });
    proc.on('spawn', () => {
      if (proc.pid) {
        writeFileSync(pidFile, `${proc.pid}\n`);
        options.events?.onStart?.(spec.name, proc.pid);
      }
    });
    proc.on('exit', (code, signal) => {
      const current = child === proc;
      if (current) {
        rmSync(pidFile, { force: true });
        child = undefined;
      }
      if (replacing === proc) {
        replacing = undefined;
        options.events?.onExit?.(spec.name, code, signal, undefined);
        if (!stopping) launch();
        return;
      }
      // A child restart() gave up on (stuck in the kernel) exits late: its successor runs already.
      if (!current) return;
      if (stopping) {
        options.events?.onExit?.(spec.name, code, signal, undefined);
        return;
      }
      attempt += 1;
      const next = nextDelayMs(backoff, attempt, Date.now() - started);
      attempt = next.attempt;
      restarts += 1;
      options.events?.onExit?.(spec.name, code, signal, next.delayMs);
      timer = setTimeout(launch, next.delayMs);
    });
  };
  launch();

  /** SIGTERM to the group, SIGKILL after the spec's timeout; resolves once it exited and its output drained. */
  const terminate = async (proc: ChildProcess) => {
    if (!proc.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // 'close' also needs both pipes drained: then the last lines are in the log.
    const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-(proc.pid ?? 0), sig);
      } catch {
        // the group is already gone
      }
    };
    const within = (p: Promise<void>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    signalGroup('SIGTERM');
    if (!(await within(exited, spec.stopTimeoutMs))) {
      report(`WARNING: ${spec.name} did not stop within ${spec.stopTimeoutMs} ms of SIGTERM; killing it`);
      signalGroup('SIGKILL');
      if (!(await within(exited, killWaitMs))) report(`WARNING: ${spec.name} (pid ${proc.pid}) has not exited ${killWaitMs} ms after SIGKILL (stuck in the kernel?); giving up on it`);
    }
    await within(closed, drainWaitMs);
  };

  return {
    name: spec.name,
    pid: () => child?.pid,
    restarts: () => restarts,
    async restart() {
      if (stopping) throw new Error(`${spec.name} is stopped; it cannot be restarted`);
      const proc = child;
      if (!proc) {
        // Between a crash and its backoff delay: start now instead of waiting.
        if (timer) clearTimeout(timer);
        attempt = 0;
        launch();
        return;
      }
      replacing = proc;
      attempt = 0;
      await terminate(proc);
      // A child stuck in the kernel never exits: start its successor anyway.
      if (replacing === proc) {
        replacing = undefined;
        if (!stopping) launch();
      }
    },
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const proc = child;
      if (proc) await terminate(proc);
      log?.close();
      log = undefined;
    },
  };
}
