import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError } from '../kube/kube-client.ts';
import type { KubeClient, ListOptions } from '../kube/kube-client.ts';
import type { KubeObject, WatchEvent } from '../kube/parse-watch-stream.ts';
import type { ResourceType } from '../kube/resource-path.ts';
import { watchServers } from './watch-servers.ts';
import type { createJoinService } from './join-service.ts';

type Listener = { plural: string; onEvent: (e: WatchEvent) => void };

/** An in-memory apiserver for Nodes and Secrets: lists, watches, merge patches, deletes. */
function fakeApi() {
  const objects = new Map<string, KubeObject>(); // "<plural>/<name>"
  const listeners: Listener[] = [];
  const calls: string[] = [];
  let rv = 1;
  let patchError: Error | undefined;
  const emit = (plural: string, type: WatchEvent['type'], object: KubeObject) => {
    for (const l of listeners) if (l.plural === plural) l.onEvent({ type, object });
  };
  const put = (plural: string, obj: KubeObject) => {
    obj.metadata.resourceVersion = String(++rv);
    const had = objects.has(`${plural}/${obj.metadata.name}`);
    objects.set(`${plural}/${obj.metadata.name}`, obj);
    emit(plural, had ? 'MODIFIED' : 'ADDED', obj);
  };
  const remove = (plural: string, name: string) => {
    const obj = objects.get(`${plural}/${name}`);
    if (!obj) return false;
    objects.delete(`${plural}/${name}`);
    emit(plural, 'DELETED', obj);
    return true;
  };
  const client = {
    list: (t: ResourceType, o: ListOptions = {}) => {
      calls.push(`list ${t.plural}${o.fieldSelector ? ` ${o.fieldSelector}` : ''}`);
      const items = [...objects.entries()].filter(([k]) => k.startsWith(`${t.plural}/`)).map(([, v]) => v);
      return Promise.resolve({ items, resourceVersion: String(rv) });
    },
    watch: (t: ResourceType, _rv: string, onEvent: (e: WatchEvent) => void, o: { signal?: AbortSignal } = {}) =>
      new Promise<void>((r) => {
        const l = { plural: t.plural, onEvent };
        listeners.push(l);
        o.signal?.addEventListener('abort', () => {
          listeners.splice(listeners.indexOf(l), 1);
          r();
        }, { once: true });
      }),
    get: (t: ResourceType, name: string) => Promise.resolve(objects.get(`${t.plural}/${name}`)),
    mergePatch: (t: ResourceType, name: string, patch: { metadata: { labels: Record<string, string> } }) => {
      calls.push(`patch ${t.plural}/${name} ${JSON.stringify(patch)}`);
      if (patchError) return Promise.reject(patchError);
      const obj = objects.get(`${t.plural}/${name}`);
      if (!obj) return Promise.reject(new KubeApiError('PATCH', `/api/v1/${t.plural}/${name}`, 404, 'NotFound', 'not found'));
      put(t.plural, { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...patch.metadata.labels } } });
      return Promise.resolve(obj);
    },
    delete: (t: ResourceType, name: string) => {
      calls.push(`delete ${t.plural}/${name}`);
      return Promise.resolve(remove(t.plural, name));
    },
  };
  return {
    client: client as unknown as KubeClient,
    calls,
    objects,
    addNode: (name: string, uid: string) => put('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, uid } }),
    deleteNode: (name: string) => remove('nodes', name),
    addSecret: (name: string, created: string) => put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'kube-system', creationTimestamp: created } }),
    removeSecret: (name: string) => remove('secrets', name),
    failPatches: (err: Error | undefined) => (patchError = err),
  };
}

function fakeJoin() {
  const ensured: string[] = [];
  const join = {
    refreshMembers: () => Promise.resolve([]),
    ensureNodePassword: (name: string) => {
      ensured.push(name);
      return Promise.resolve(true);
    },
    etcdClient: {},
  };
  return { join: join as unknown as ReturnType<typeof createJoinService>, ensured };
}

const until = async (what: string, check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const roles = '{"metadata":{"labels":{"node-role.kubernetes.io/control-plane":"true","node-role.kubernetes.io/etcd":"true","node-role.kubernetes.io/master":"true"}}}';

test("the server's Node gets its role labels by merge patch once it registers, once per Node (uid)", async () => {
  const api = fakeApi();
  const { join } = fakeJoin();
  const w = watchServers(join, api.client, { name: 's1', password: 'pw' }, () => undefined, 10);
  try {
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!api.calls.some((c) => c.startsWith('patch')), 'no Node, no patch (no expected 404)');
    api.addNode('s1', 'uid-1');
    await until('the label patch', () => api.calls.includes(`patch nodes/s1 ${roles}`));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.calls.filter((c) => c.startsWith('patch')).length, 1, 'labelled once: a label an admin removes later stays removed');
    assert.equal(api.objects.get('nodes/s1')?.metadata.labels?.['node-role.kubernetes.io/etcd'], 'true');
    api.deleteNode('s1');
    api.addNode('s1', 'uid-2'); // the kubelet registers the Node again
    await until('a second patch', () => api.calls.filter((c) => c.startsWith('patch')).length === 2);
    assert.ok(api.calls.includes('list secrets type=rfo.cattle.io/node-password'), 'secrets are watched by type');
  } finally {
    w.stop();
  }
});

test("a deleted Node's node password is deleted at once and logged; this server's missing one is registered again", async () => {
  const api = fakeApi();
  const { join, ensured } = fakeJoin();
  const lines: string[] = [];
  api.addNode('s1', 'uid-s1');
  api.addNode('a1', 'uid-a1');
  api.addSecret('s1.node-password.rfo', '2026-11-23T09:00:00Z');
  api.addSecret('a1.node-password.rfo', '2026-11-23T09:00:00Z');
  // A long interval: only the Node deletion can trigger the prompt check.
  const w = watchServers(join, api.client, { name: 's1', password: 'pw' }, (m) => lines.push(m), 300);
  try {
    await until('a first tick seeing both Nodes', () => api.calls.some((c) => c.startsWith('patch')));
    await new Promise((r) => setTimeout(r, 350));
    const before = Date.now();
    api.deleteNode('a1');
    await until('the secret deletion', () => api.calls.includes('delete secrets/a1.node-password.rfo'));
    assert.ok(Date.now() - before < 250, 'checked on the DELETED event, not at the next tick');
    assert.ok(lines.includes('node a1 is gone; deleted its node password (a1.node-password.rfo), so the name can join again'), lines.join('\n'));
    assert.ok(api.objects.has('secrets/s1.node-password.rfo'), 'a live Node keeps its secret');
    assert.equal(ensured.length, 0);
    api.removeSecret('s1.node-password.rfo'); // someone deleted this server's secret
    await until('own password registered again', () => ensured.includes('s1'), 250);
  } finally {
    w.stop();
  }
});

test('a failing step is logged once while it repeats, and once when it works again', async () => {
  const api = fakeApi();
  const { join } = fakeJoin();
  const lines: string[] = [];
  api.addNode('s1', 'uid-1');
  api.failPatches(new KubeApiError('PATCH', '/api/v1/nodes/s1', 403, 'Forbidden', 'nodes "s1" is forbidden'));
  const w = watchServers(join, api.client, { name: 's1', password: 'pw' }, (m) => lines.push(m), 10);
  try {
    await until('several patch attempts', () => api.calls.filter((c) => c.startsWith('patch')).length >= 5);
    assert.deepEqual(lines.filter((l) => l.includes('labelling')), ['server watcher: labelling this Node failed: PATCH /api/v1/nodes/s1: 403 Forbidden: nodes "s1" is forbidden']);
    api.failPatches(undefined);
    await until('the recovery line', () => lines.includes('server watcher: labelling this Node works again'));
    assert.equal(lines.filter((l) => l.includes('labelling')).length, 2);
  } finally {
    w.stop();
  }
});
