// Runs one ProcessSpec as a supervised child: its own process group (so
// signals to rfo do not hit it and stop() reaches its children too), output
// appended to the component's log file, a pid file, the RFO_MANAGED marker in
// its environment (killall uses it to find strays), restart with backoff
// when it dies, and stop as SIGTERM, then SIGKILL after the spec's timeout.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProcessSpec } from '../components/process-spec.ts';
import { defaultBackoff, nextDelayMs } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { planComponentEnv } from './plan-component-env.ts';

export interface SupervisorEvents {
  onStart?(name: string, pid: number): void;
  onExit?(name: string, code: number | null, signal: string | null, restartInMs: number | undefined): void;
}

export interface Supervised {
  readonly name: string;
  /** The current child's pid, if running. */
  pid(): number | undefined;
  restarts(): number;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  readonly runDir: string;
  readonly backoff?: BackoffPolicy;
  readonly events?: SupervisorEvents;
}

export { managedMarker } from './plan-component-env.ts';

export function supervise(spec: ProcessSpec, options: SupervisorOptions): Supervised {
  const backoff = options.backoff ?? defaultBackoff;
  const pidFile = join(options.runDir, `${spec.name}.pid`);
  let child: ChildProcess | undefined;
  let stopping = false;
  let attempt = 0;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;

  const launch = () => {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    mkdirSync(options.runDir, { recursive: true });
    const log = openSync(spec.logFile, 'a');
    const started = Date.now();
    const proc = spawn(spec.binary, [...spec.args], {
      detached: true,
      stdio: ['ignore', log, log],
      env: planComponentEnv(process.env, spec.env, options.runDir),
    });
    closeSync(log);
    child = proc;
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
      rmSync(pidFile, { force: true });
      if (child === proc) child = undefined;
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

  return {
    name: spec.name,
    pid: () => child?.pid,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const proc = child;
      if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-(proc.pid ?? 0), sig);
        } catch {
          // the group is already gone
        }
      };
      signalGroup('SIGTERM');
      const killed = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), spec.stopTimeoutMs))]);
      if (killed) {
        signalGroup('SIGKILL');
        await exited;
      }
    },
  };
}
