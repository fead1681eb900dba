// The add-on deployer (src/addons) and rfo's Kubernetes client (src/kube)
// against a real cluster: an `rfo server` in a test node, the deployer run
// in this process on a directory of its own (so the server's own manifest
// handling does not see these files), with the server's admin credentials.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { KubeClient } from '../../src/kube/kube-client.ts';
import { parseKubeconfig } from '../../src/kube/parse-kubeconfig.ts';
import { typeOf } from '../../src/kube/resource-path.ts';
import type { KubeObject } from '../../src/kube/parse-watch-stream.ts';
import { watchCollection } from '../../src/kube/watch-collection.ts';
import { startAddonDeployer } from '../../src/addons/addon-deployer.ts';
import type { AddonDeployer } from '../../src/addons/addon-deployer.ts';
import { addonLabel } from '../../src/addons/plan-addon.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { eventually } from './helpers/eventually.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
let node: TestNode;
let root: string;
let server: ChildProcess | undefined;
let client: KubeClient;
let deployer: AddonDeployer | undefined;
const logs: string[] = [];
const log = (m: string) => logs.push(m);
const d = () => ({ ...serverDirs(root), manifests: join(root, 'manifests') });
const cmType = typeOf('v1', 'ConfigMap');
const secretType = typeOf('v1', 'Secret');
const addonType = typeOf('k3s.cattle.io/v1', 'Addon');
const ns = 'addon-test';

const kubectl = (...args: string[]) => node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, ...args]);

before(async () => {
  const runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-addons-');
  node = await createTestNode('rfo-addons', 47);
  await mkdir(d().manifests, { recursive: true });
  const config = join(root, 'config.yaml');
  await writeFile(config, 'disable: [rfo-coredns]\n');
  let output = '';
  server = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...testServerArgs(d(), { config, nodeIp: node.ip, runtimeDir })], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await untilReady(server, () => output);
  // The admin kubeconfig names 127.0.0.1 inside the node; from here the node IP (a SAN of the serving cert).
  const creds = parseKubeconfig(await readFile(d().kubeconfig, 'utf8'), d().kubeconfig, (p) => p);
  client = await KubeClient.fromCredentials({ ...creds, server: `https://${node.ip}:6443` });
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

after(async () => {
  deployer?.stop();
  client?.close();
  await stopProcess(server);
  if (node) {
    await node.exec(rfo, killallArgs(d()));
    await node.destroy();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });
const yaml = (...objs: unknown[]) => objs.map((o) => JSON.stringify(o)).join('\n---\n');
const addon = (name: string) => client.get<KubeObject & { spec?: { checksum?: string }; status?: { error?: string; failures?: number; objects?: unknown[] } }>(addonType, name, 'kube-system');

test('the client: typed get/list/apply/delete, 404 as undefined, errors with status', async () => {
  const applied = await client.apply(configMap('c0', { a: '1' }));
  assert.equal(applied.metadata.name, 'c0');
  assert.equal((await client.get<KubeObject & { data?: Record<string, string> }>(cmType, 'c0', ns))?.data?.a, '1');
  assert.ok((await client.list(cmType, { namespace: ns })).items.some((o) => o.metadata.name === 'c0'));
  assert.equal(await client.get(cmType, 'nope', ns), undefined);
  assert.equal(await client.delete(cmType, 'c0', ns), true);
  assert.equal(await client.delete(cmType, 'c0', ns), false);
  await assert.rejects(client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: ns } }), (e: Error & { status?: number }) => e.status === 422 && /Bad_Name/.test(e.message));
  await assert.rejects(client.typeFor('example.com/v1', 'Nothing'), /no kind Nothing/);
});

test('a watch collection follows creates, updates and deletes', async () => {
  const seen: string[] = [];
  const wc = watchCollection<KubeObject & { data?: Record<string, string> }>(client, cmType, { namespace: ns, labelSelector: 'w=1', what: 'test watch', log, onChange: (_items, e) => void (e && seen.push(`${e.type}:${e.object.metadata.name}`)) });
  try {
    await wc.synced;
    await client.apply({ ...configMap('w1', { v: '1' }), metadata: { name: 'w1', namespace: ns, labels: { w: '1' } } });
    await client.apply({ ...configMap('w1', { v: '2' }), metadata: { name: 'w1', namespace: ns, labels: { w: '1' } } });
    await client.apply(configMap('unlabelled', {}));
    await eventually('watch saw the update', () => Promise.resolve(wc.get('w1', ns)?.data?.v === '2'), 20_000, 100);
    await client.delete(cmType, 'w1', ns);
    await eventually('watch saw the delete', () => Promise.resolve(wc.get('w1', ns) === undefined), 20_000, 100);
    assert.deepEqual(seen, ['ADDED:w1', 'MODIFIED:w1', 'DELETED:w1']);
  } finally {
    wc.stop();
  }
});

test('deployer: add a file → objects exist, labelled, with an Addon record (kubectl get addons -A)', async () => {
  await writeFile(join(d().manifests, 'app.yaml'), yaml(configMap('app-config', { greeting: 'hello' }), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret', namespace: ns }, stringData: { k: 'v' } }));
  // A user's own ConfigMap in the same namespace: never the deployer's to touch.
  await client.apply(configMap('users-own', { mine: 'yes' }), 'kubectl');
  deployer = await startAddonDeployer({ client, dir: d().manifests, disabled: new Set(['skipped']), log, intervalMs: 1000 });
  const cm = await client.get(cmType, 'app-config', ns);
  assert.equal(cm?.metadata.labels?.[addonLabel], 'app');
  assert.ok(await client.get(secretType, 'app-secret', ns));
  const rec = await addon('app');
  assert.equal(rec?.status?.objects?.length, 2);
  const listed = await kubectl('get', 'addons', '-A');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /kube-system\s+app\s+\S+app\.yaml\s+2/);
});

test('deployer: edit → updated and what the file dropped is pruned; a disabled file is not applied', async () => {
  await writeFile(join(d().manifests, 'skipped.yaml'), yaml(configMap('skipped-config', {})));
  await writeFile(join(d().manifests, 'app.yaml'), yaml(configMap('app-config', { greeting: 'bonjour' })));
  await eventually('app-config updated', async () => ((await client.get<KubeObject & { data?: Record<string, string> }>(cmType, 'app-config', ns))?.data?.greeting ?? '') === 'bonjour', 30_000, 250);
  await eventually('app-secret pruned', async () => (await client.get(secretType, 'app-secret', ns)) === undefined, 30_000, 250);
  assert.equal(await client.get(cmType, 'skipped-config', ns), undefined);
  assert.equal(await addon('skipped'), undefined);
});

test('deployer: a broken manifest is reported on its Addon and retried until it applies', async () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 3 } };
  await writeFile(join(d().manifests, 'widget.yaml'), yaml(widget));
  await eventually('the error is on the Addon', async () => /no kind Widget/.test((await addon('widget'))?.status?.error ?? ''), 30_000, 250);
  const failures = (await addon('widget'))?.status?.failures ?? 0;
  assert.ok(failures >= 1);
  await writeFile(join(d().manifests, 'invalid.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
  await eventually('a parse error is on its Addon', async () => /has no metadata.name/.test((await addon('invalid'))?.status?.error ?? ''), 30_000, 250);
  // The kind appears (a CRD from another file): the next retry succeeds, the error is cleared.
  await writeFile(
    join(d().manifests, 'widget-crd.yaml'),
    yaml({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    }),
  );
  await eventually('the widget applied on a retry', async () => (await addon('widget'))?.status?.error === undefined && (await addon('widget'))?.status?.objects?.length === 1, 90_000, 500);
  assert.ok(await client.get(await client.typeFor('example.com/v1', 'Widget'), 'w', ns));
  await rm(join(d().manifests, 'invalid.yaml'));
});

test('deployer: removing a file deletes exactly its objects; the user object survives', async () => {
  await rm(join(d().manifests, 'app.yaml'));
  await eventually('app-config deleted', async () => (await client.get(cmType, 'app-config', ns)) === undefined, 30_000, 250);
  await eventually('Addon app deleted', async () => (await addon('app')) === undefined, 30_000, 250);
  assert.ok(await client.get(cmType, 'users-own', ns), 'a ConfigMap the user made is untouched');
});

test('deployer: disabling an applied add-on (a new start with disable:) removes it', async () => {
  deployer?.stop();
  deployer = await startAddonDeployer({ client, dir: d().manifests, disabled: new Set(['widget']), log, intervalMs: 1000 });
  await eventually('widget removed', async () => (await addon('widget')) === undefined, 30_000, 250);
  assert.equal(await client.get(await client.typeFor('example.com/v1', 'Widget'), 'w', ns), undefined);
  assert.ok(await addon('widget-crd'));
  assert.ok(await client.get(cmType, 'users-own', ns));
});
