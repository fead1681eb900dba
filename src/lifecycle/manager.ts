// The component manager: one lifecycle for everything a node runs
// (supervised processes, in-process loops, one-off steps). Each component
// starts as soon as the components it waits for are ready; each must become
// ready within its deadline. On a failure the manager stops what it started,
// in reverse, and reports which component failed, its log file and the last
// lines of that log. Stop is always reverse start order.

import { readFile } from 'node:fs/promises';
import { isRfoError, RfoError } from '../errors.ts';
import { planStartOrder } from './plan-start-order.ts';
import type { ComponentDecl } from './plan-start-order.ts';

export interface Component extends ComponentDecl {
  /** Where its output goes, named in errors. */
  readonly logFile?: string;
  /** How long ready() may take (default 120 s). */
  readonly readyTimeoutMs?: number;
  /** The signal aborts when rfo stops during the start: a long step gives up. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the component serves; rejects with the reason it never will. */
  ready?(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** Replace the running instance (a supervised process); absent for components that cannot be restarted alone. */
  restart?(): Promise<void>;
}

export interface ManagerEvents {
  readonly log: (message: string) => void;
  readonly elapsed?: () => string;
}

export interface Started {
  /** Names in the order they were started. */
  readonly order: readonly string[];
  stop(): Promise<void>;
}

/** A start under way: ready settles when every component is ready (or one failed and all were rolled back). */
export interface Managed extends Started {
  readonly ready: Promise<void>;
  /**
   * Restart one started component and nothing else (its dependents keep
   * running: they reconnect as they do after a crash). For a changed input,
   * e.g. a renewed certificate. Rejects for an unknown name, a component not
   * started (yet), one that cannot restart alone, or while rfo stops.
   */
  restart(name: string): Promise<void>;
}

async function lastLines(file: string | undefined, n = 15): Promise<string> {
  if (!file) return '';
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function deadline<T>(p: Promise<T>, ms: number, what: string, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`${what} not ready after ${Math.round(ms / 1000)}s`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const stoppingMessage = 'rfo is stopping';

/**
 * Start the components; returns at once. stop() may come at any time: it
 * aborts what is still starting (nothing new starts), waits for the starts
 * under way to give up, and stops what started, in reverse.
 */
export function manageComponents(components: readonly Component[], events: ManagerEvents): Managed {
  const planned = planStartOrder(components);
  const order: string[] = [];
  if (!planned.ok) {
    const err = new RfoError('RFO_COMPONENT_FAILED', planned.error, { hint: 'this is a bug in rfo: the component list is inconsistent' });
    return { order, ready: Promise.reject(err), stop: () => Promise.resolve(), restart: () => Promise.reject(err) };
  }
  const at = () => (events.elapsed ? ` (${events.elapsed()})` : '');
  const byName = new Map(components.map((c) => [c.name, c]));
  const readyPromises = new Map<string, Promise<void>>();
  const aborted = new AbortController();
  let failure: { name: string; err: unknown } | undefined;
  let stopping: Promise<void> | undefined;

  const stopStarted = async () => {
    for (const name of [...order].reverse()) {
      try {
        await byName.get(name)?.stop();
      } catch (err) {
        events.log(`stopping ${name} failed: ${(err as Error).message}`);
      }
    }
  };

  const run = (c: Component): Promise<void> => {
    const existing = readyPromises.get(c.name);
    if (existing) return existing;
    const p = (async () => {
      await Promise.all((c.after ?? []).map((d) => run(byName.get(d) as Component)));
      if (aborted.signal.aborted) throw new Error(stoppingMessage);
      events.log(`starting ${c.name}${at()}`);
      order.push(c.name);
      try {
        await c.start(aborted.signal);
        if (c.ready) {
          const own = new AbortController();
          aborted.signal.addEventListener('abort', () => own.abort(), { once: true });
          await deadline(c.ready(own.signal), c.readyTimeoutMs ?? 120_000, c.name, own);
          events.log(`${c.name} ready${at()}`);
        }
      } catch (err) {
        if (!stopping) failure ??= { name: c.name, err };
        aborted.abort();
        throw err;
      }
    })();
    readyPromises.set(c.name, p);
    return p;
  };

  const all = Promise.allSettled(components.map(run));
  const ready = (async () => {
    const settled = await all;
    if (stopping) throw new RfoError('RFO_COMPONENT_FAILED', `start stopped: ${stoppingMessage}`, { hint: 'rfo was asked to stop while it started' });
    if (!settled.some((r) => r.status === 'rejected')) return;
    const failed = failure ?? { name: '?', err: (settled.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason };
    stopping = stopStarted();
    await stopping;
    const c = byName.get(failed.name);
    const tail = await lastLines(c?.logFile);
    const reason = failed.err instanceof Error ? failed.err.message : String(failed.err);
    throw new RfoError('RFO_COMPONENT_FAILED', `${failed.name} failed to start: ${reason}${tail ? `\nlast lines of ${c?.logFile ?? ''}:\n${tail}` : ''}`, {
      // A component's own typed error knows the fix better than "see the log".
      hint: isRfoError(failed.err) && failed.err.hint ? failed.err.hint : c?.logFile ? `see ${c.logFile}` : 'see the messages above',
      cause: failed.err,
      details: { component: failed.name, ...(c?.logFile ? { logFile: c.logFile } : {}) },
    });
  })();
  const stop = () => {
    stopping ??= (async () => {
      aborted.abort();
      await all;
      await stopStarted();
    })();
    return stopping;
  };
  const restart = async (name: string) => {
    const c = byName.get(name);
    const refuse = (why: string) => new RfoError('RFO_COMPONENT_FAILED', `cannot restart ${name}: ${why}`, { hint: 'this is a bug in rfo: only started processes can be restarted' });
    if (!c) throw refuse('no such component');
    if (stopping) throw new RfoError('RFO_COMPONENT_FAILED', `cannot restart ${name}: ${stoppingMessage}`, { hint: 'rfo was asked to stop' });
    if (!order.includes(name)) throw refuse('it has not started');
    if (!c.restart) throw refuse('it is not a process');
    events.log(`restarting ${name}${at()}`);
    await c.restart();
  };
  return { order, ready, stop, restart };
}

/** Start and wait until every component is ready. */
export async function startComponents(components: readonly Component[], events: ManagerEvents): Promise<Started> {
  const m = manageComponents(components, events);
  await m.ready;
  return { order: m.order, stop: () => m.stop() };
}
