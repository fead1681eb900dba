import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RfoError } from '../errors.ts';
import type { ListOptions, ListResult } from './kube-client.ts';
import type { WatchEvent } from './parse-watch-stream.ts';
import type { ResourceType } from './resource-path.ts';
import { nodeIsReady, waitForNode, waitForNodeReady } from './wait-for-node.ts';
import type { KubeNode, NodeWatchClient } from './wait-for-node.ts';

const node = (name: string, ready: string | undefined, rv: string): KubeNode => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, resourceVersion: rv },
  ...(ready ? { status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }] } } : {}),
});

type Step = { list: KubeNode[] | Error; rv?: string; events?: WatchEvent<KubeNode>[] };

/** A client that answers lists and watches from a script; each watch plays the events of the last list's step, then hangs until aborted. */
function fakeClient(steps: Step[]) {
  const calls: string[] = [];
  let current: Step | undefined;
  const client = {
    list(t: ResourceType, o: ListOptions = {}): Promise<ListResult<KubeNode>> {
      calls.push(`list ${t.plural} ${o.fieldSelector ?? ''}`);
      current = steps.shift();
      if (!current) return Promise.reject(new Error('script ended'));
      if (current.list instanceof Error) return Promise.reject(current.list);
      return Promise.resolve({ items: current.list, resourceVersion: current.rv ?? '1' });
    },
    async watch(t: ResourceType, rv: string, onEvent: (e: WatchEvent<KubeNode>) => void, o: ListOptions & { signal?: AbortSignal } = {}): Promise<void> {
      calls.push(`watch ${t.plural} ${rv} ${o.fieldSelector ?? ''}`);
      const events = current?.events ?? [];
      if (current) current.events = [];
      for (const e of events) {
        if (o.signal?.aborted) return;
        onEvent(e);
      }
      if (o.signal?.aborted) return;
      await new Promise<void>((r) => o.signal?.addEventListener('abort', () => r(), { once: true }));
    },
  };
  return { client: client as unknown as NodeWatchClient, calls };
}

test('Ready is read from the Node conditions', () => {
  assert.equal(nodeIsReady(node('n', 'True', '1')), true);
  assert.equal(nodeIsReady(node('n', 'False', '1')), false);
  assert.equal(nodeIsReady(node('n', undefined, '1')), false);
});

test('a Node already Ready answers from the list, with no watch', async () => {
  const { client, calls } = fakeClient([{ list: [node('s1', 'True', '5')] }]);
  const n = await waitForNodeReady(client, 's1', { timeoutMs: 5000 });
  assert.equal(n.metadata.name, 's1');
  assert.deepEqual(calls, ['list nodes metadata.name=s1']);
});

test('the watch of that one Node (from the list version) reports registration and then Ready', async () => {
  const { client, calls } = fakeClient([
    {
      list: [],
      rv: '7',
      events: [
        { type: 'BOOKMARK', object: node('s1', undefined, '8') },
        { type: 'ADDED', object: node('s1', 'False', '9') },
        { type: 'MODIFIED', object: node('s1', 'True', '10') },
      ],
    },
  ]);
  assert.equal((await waitForNode(client, 's1', { timeoutMs: 5000 })).metadata.resourceVersion, '9');
  assert.deepEqual(calls, ['list nodes metadata.name=s1', 'watch nodes 7 metadata.name=s1']);

  const again = fakeClient([{ list: [], rv: '7', events: [{ type: 'ADDED', object: node('s1', 'False', '9') }, { type: 'MODIFIED', object: node('s1', 'True', '10') }] }]);
  assert.equal((await waitForNodeReady(again.client, 's1', { timeoutMs: 5000 })).metadata.resourceVersion, '10');
});

test('list failures are retried and an expired watch (ERROR) relists', async () => {
  const { client, calls } = fakeClient([
    { list: new Error('connect ECONNREFUSED 127.0.0.1:6443') },
    { list: [node('s1', 'False', '3')], rv: '3', events: [{ type: 'ERROR', object: { metadata: { name: '' } } }] },
    { list: [node('s1', 'True', '20')], rv: '20' },
  ]);
  const n = await waitForNodeReady(client, 's1', { timeoutMs: 10_000, retryMaxMs: 10 });
  assert.equal(n.metadata.resourceVersion, '20');
  assert.deepEqual(calls, ['list nodes metadata.name=s1', 'list nodes metadata.name=s1', 'watch nodes 3 metadata.name=s1', 'list nodes metadata.name=s1']);
});

test('the deadline ends the wait with a typed error naming the last failure; a caller abort cancels it', async () => {
  const failing = fakeClient(Array.from({ length: 100 }, () => ({ list: new Error('Unauthorized') })));
  await assert.rejects(waitForNodeReady(failing.client, 'a1', { timeoutMs: 200, retryMaxMs: 20 }), (err: unknown) => {
    assert.ok(err instanceof RfoError);
    assert.equal(err.code, 'RFO_KUBE_API');
    assert.match(err.message, /^node a1 not Ready after 0s: Unauthorized$/);
    assert.ok(err.hint);
    return true;
  });

  const hanging = fakeClient([{ list: [node('a1', 'False', '1')] }]);
  const ac = new AbortController();
  const waiting = waitForNodeReady(hanging.client, 'a1', { timeoutMs: 60_000, signal: ac.signal });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(waiting, /waiting for node a1 to be Ready was cancelled/);
});
