// Wait, by watch, until one object satisfies a condition (a Node Ready, a
// Node with its pod CIDR): one open request instead of a poll every second.

import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './parse-watch-stream.ts';
import type { ResourceType } from './resource-path.ts';
import { watchCollection } from './watch-collection.ts';

export interface WaitForObjectOptions {
  readonly namespace?: string;
  readonly signal?: AbortSignal;
  readonly log: (message: string) => void;
}

export function waitForObject<T extends KubeObject>(client: KubeClient, type: ResourceType, name: string, done: (o: T) => boolean, o: WaitForObjectOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(new Error(`stopped waiting for ${type.kind} ${name}`));
      return;
    }
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      collection.stop();
      f();
    };
    const collection = watchCollection<T>(client, type, {
      ...(o.namespace ? { namespace: o.namespace } : {}),
      fieldSelector: `metadata.name=${name}`,
      what: `waiting for ${type.kind} ${name}`,
      log: o.log,
      onChange: (items) => {
        const item = items.find((i) => i.metadata.name === name);
        if (item && done(item)) finish(() => resolve(item));
      },
    });
    o.signal?.addEventListener('abort', () => finish(() => reject(new Error(`stopped waiting for ${type.kind} ${name}`))), { once: true });
  });
}

interface NodeLike extends KubeObject {
  readonly spec?: { readonly podCIDR?: string };
  readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
}

export const nodeIsReady = (n: NodeLike): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
export const nodeHasPodCidr = (n: NodeLike): boolean => (n.spec?.podCIDR ?? '') !== '';
