// A live view of one kind (optionally filtered): list, then watch from the
// list's resourceVersion, apply events to a local map, and start over with a
// fresh list when the server says the version is too old (410) or the stream
// breaks. Replaces polling with kubectl: at idle it costs one open request.

import type { KubeClient } from './kube-client.ts';
import { KubeApiError } from './kube-client.ts';
import type { ListOptions } from './kube-client.ts';
import type { ResourceType } from './resource-path.ts';
import type { KubeObject, WatchEvent } from './parse-watch-stream.ts';

export interface WatchCollection<T extends KubeObject> {
  /** Resolves after the first complete list. */
  readonly synced: Promise<void>;
  items(): T[];
  get(name: string, namespace?: string): T | undefined;
  stop(): void;
}

export interface WatchCollectionOptions<T extends KubeObject> extends ListOptions {
  /** Called after the list and after each change, with every current item. */
  readonly onChange?: (items: T[], event?: WatchEvent<T>) => void | Promise<void>;
  readonly log: (message: string) => void;
  /** Replaces the built-in log line on a failed list or watch (a caller that logs each outage once). */
  readonly onError?: (err: unknown, retryInMs: number) => void;
  readonly what: string;
  readonly retryMaxMs?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function watchCollection<T extends KubeObject>(client: KubeClient, type: ResourceType, o: WatchCollectionOptions<T>): WatchCollection<T> {
  const items = new Map<string, T>();
  const controller = new AbortController();
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => (markSynced = r));
  const notify = async (event?: WatchEvent<T>) => {
    try {
      await o.onChange?.([...items.values()], event);
    } catch (err) {
      o.log(`${o.what}: handling a change failed: ${(err as Error).message}`);
    }
  };

  const loop = async () => {
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        const listed = await client.list<T>(type, o);
        items.clear();
        for (const item of listed.items) items.set(keyOf(item), item);
        markSynced();
        await notify();
        let rv = listed.resourceVersion;
        failures = 0;
        let gone = false;
        while (!controller.signal.aborted && !gone) {
          await client.watch<T>(
            type,
            rv,
            (e) => {
              if (e.type === 'ERROR') {
                gone = true; // 410 Gone (or another Status): relist
                return;
              }
              rv = e.object.metadata.resourceVersion ?? rv;
              if (e.type === 'BOOKMARK') return;
              if (e.type === 'DELETED') items.delete(keyOf(e.object));
              else items.set(keyOf(e.object), e.object);
              void notify(e);
            },
            { ...o, signal: controller.signal },
          );
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        failures += 1;
        const delay = Math.min(o.retryMaxMs ?? 30_000, 500 * 2 ** Math.min(failures, 8));
        // Quiet while the apiserver starts or moves; loud when it lasts.
        if (o.onError) o.onError(err, delay);
        else if (failures >= 3 || !(err instanceof KubeApiError)) o.log(`${o.what}: watch failed (${(err as Error).message}); retrying in ${delay} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          controller.signal.addEventListener('abort', () => {
            clearTimeout(t);
            r();
          }, { once: true });
        });
      }
    }
  };
  void loop();

  return {
    synced,
    items: () => [...items.values()],
    get: (name, namespace) => items.get(`${namespace ?? ''}/${name}`),
    stop: () => controller.abort(),
  };
}
