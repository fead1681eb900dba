// The three kinds of component a node runs, as manager Components:
// a supervised process (restarted when it dies), an in-process loop (load
// balancer, watchers, the add-on deployer) and a one-off step (import the
// images, register the node password, wait for the node to be Ready).

import type { ProcessSpec } from '../supervisor/process-spec.ts';
import { supervise } from '../supervisor/supervisor.ts';
import type { Supervised, SupervisorOptions } from '../supervisor/supervisor.ts';

export type ProcessContext = Omit<SupervisorOptions, 'events' | 'log'> & { readonly log: (message: string) => void };
import type { Component } from './manager.ts';

export interface Placement {
  readonly after?: readonly string[];
  readonly readyTimeoutMs?: number;
}

export interface ProcessComponentOptions extends Placement {
  /** Directories and files the process needs, made just before it starts. */
  readonly init?: () => Promise<void>;
  /** Resolves once the process serves. */
  readonly ready?: (signal: AbortSignal) => Promise<void>;
  /** The spec may depend on what earlier components did (an etcd join's member list). */
  readonly spec?: () => Promise<ProcessSpec>;
}

export function processComponent(spec: ProcessSpec, supervisor: ProcessContext, o: ProcessComponentOptions = {}): Component {
  let running: Supervised | undefined;
  return {
    name: spec.name,
    logFile: spec.logFile,
    ...(o.after ? { after: o.after } : {}),
    ...(o.readyTimeoutMs ? { readyTimeoutMs: o.readyTimeoutMs } : {}),
    async start() {
      await o.init?.();
      const actual = o.spec ? await o.spec() : spec;
      for (const key of actual.overridden) supervisor.log(`${actual.name}: --${key} from your *-arg settings replaces rfo's default`);
      running = supervise(actual, {
        ...supervisor,
        events: {
          onExit: (name, code, signal, restartIn) => {
            if (restartIn !== undefined) supervisor.log(`${name} exited (${code ?? signal}); restarting in ${restartIn} ms — see ${actual.logFile}`);
          },
        },
      });
    },
    ...(o.ready ? { ready: o.ready } : {}),
    async stop() {
      await running?.stop();
    },
    // The same spec again (no init, no spec()): a joining etcd must not join twice.
    async restart() {
      await running?.restart();
    },
  };
}

/** Work done once, in order; the component is ready when it returns. */
export function stepComponent(name: string, run: (signal: AbortSignal) => Promise<void>, o: Placement = {}): Component {
  return {
    name,
    ...(o.after ? { after: o.after } : {}),
    ...(o.readyTimeoutMs ? { readyTimeoutMs: o.readyTimeoutMs } : {}),
    start: () => Promise.resolve(),
    ready: run,
    stop: () => Promise.resolve(),
  };
}

export interface Loop {
  stop(): void | Promise<void>;
}

/** Runs inside rfo until stopped; its own errors are its own to log (see each loop). */
export function loopComponent(name: string, begin: () => Promise<Loop> | Loop, o: Placement = {}): Component {
  let loop: Loop | undefined;
  return {
    name,
    ...(o.after ? { after: o.after } : {}),
    async start() {
      loop = await begin();
    },
    async stop() {
      await loop?.stop();
    },
  };
}
