// Waiting for a Node (its registration, its Ready condition) with one watch
// of that Node (field selector metadata.name=<node>) instead of asking every
// second: the answer comes the moment the kubelet posts it, and the
// apiserver sees one open request instead of a request per second.

import { RfoError } from '../errors.ts';
import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './parse-watch-stream.ts';
import { typeOf } from './resource-path.ts';

export interface KubeNode extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Pure: whether the Node's Ready condition is True. */
export const nodeIsReady = (n: KubeNode): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** What the wait needs of a client (a fake in the tests). */
export type NodeWatchClient = Pick<KubeClient, 'list' | 'watch'>;

export interface WaitForNodeOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** The condition the Node must meet; any Node by default (registration). */
  readonly until?: (n: KubeNode) => boolean;
  /** For the error message: "node <name> <what>". */
  readonly what?: string;
  /** Server-side duration of one watch request; shorter in tests. */
  readonly watchSeconds?: number;
  readonly retryMaxMs?: number;
}

const nodeType = typeOf('v1', 'Node');

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Resolves with the Node once it exists and meets `until`. Errors (the
 * apiserver starting, a kubelet credential not yet authorized) are retried
 * until the deadline, then reported with the last one.
 */
export async function waitForNode(client: NodeWatchClient, name: string, o: WaitForNodeOptions): Promise<KubeNode> {
  const until = o.until ?? (() => true);
  const what = o.what ?? 'registered';
  const fieldSelector = `metadata.name=${name}`;
  const stop = new AbortController(); // the deadline or the caller's signal
  const timer = setTimeout(() => stop.abort(), o.timeoutMs);
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let last = '';
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        const listed = await client.list<KubeNode>(nodeType, { fieldSelector });
        const now = listed.items.find((n) => n.metadata.name === name && until(n));
        if (now) return now;
        failures = 0;
        let rv = listed.resourceVersion;
        let found: KubeNode | undefined;
        let relist = false;
        while (!found && !relist && !stop.signal.aborted) {
          // One watch request; ended by the server's timeout, a hit or the deadline.
          const one = new AbortController();
          const end = () => one.abort();
          stop.signal.addEventListener('abort', end, { once: true });
          try {
            await client.watch<KubeNode>(
              nodeType,
              rv,
              (e) => {
                if (e.type === 'ERROR') {
                  relist = true; // 410 Gone: the version is too old
                  one.abort();
                  return;
                }
                rv = e.object.metadata.resourceVersion ?? rv;
                if ((e.type === 'ADDED' || e.type === 'MODIFIED') && e.object.metadata.name === name && until(e.object)) {
                  found = e.object;
                  one.abort();
                }
              },
              { fieldSelector, signal: one.signal, timeoutSeconds: o.watchSeconds ?? 60 },
            );
          } finally {
            stop.signal.removeEventListener('abort', end);
          }
        }
        if (found) return found;
      } catch (err) {
        if (stop.signal.aborted) break;
        last = (err as Error).message;
        failures += 1;
        await sleep(Math.min(o.retryMaxMs ?? 5_000, 250 * 2 ** Math.min(failures, 6)), stop.signal);
      }
    }
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
  if (o.signal?.aborted) throw new RfoError('RFO_KUBE_API', `waiting for node ${name} to be ${what} was cancelled`);
  throw new RfoError('RFO_KUBE_API', `node ${name} not ${what} after ${Math.round(o.timeoutMs / 1000)}s${last ? `: ${last}` : ''}`, {
    hint: `see the kubelet log (agent/logs/kubelet.log) and kubectl describe node ${name}`,
  });
}

/** Resolves once the Node exists and its Ready condition is True. */
export function waitForNodeReady(client: NodeWatchClient, name: string, o: Omit<WaitForNodeOptions, 'until' | 'what'>): Promise<KubeNode> {
  return waitForNode(client, name, { ...o, until: nodeIsReady, what: 'Ready' });
}
