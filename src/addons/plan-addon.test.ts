import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addonLabel, addonNameOf, mayPrune, mergeRefs, planAddon, planPrune, retryDelayMs } from './plan-addon.ts';
import type { AddonRecord } from './plan-addon.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';

const cm = (name: string, namespace?: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });
const record = (over: Partial<AddonRecord> = {}): AddonRecord => ({ name: 'a', source: '/m/a.yaml', checksum: 'c1', objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' }], ...over });

test('add-on names follow the file name; hidden and other files are not add-ons', () => {
  assert.equal(addonNameOf('rfo-coredns.yaml'), 'rfo-coredns');
  assert.equal(addonNameOf('x.yml'), 'x');
  assert.equal(addonNameOf('y.json'), 'y');
  assert.equal(addonNameOf('.tmp.yaml'), undefined);
  assert.equal(addonNameOf('notes.txt'), undefined);
});

test('new and changed files are applied, labelled, CRDs and namespaces first', () => {
  const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'w.example.com' } };
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } };
  const p = planAddon('a', { checksum: 'c2', objects: [cm('x'), ns, crd] }, record(), false);
  assert.equal(p.action, 'apply');
  if (p.action !== 'apply') return;
  assert.deepEqual(p.objects.map((o) => o.kind), ['CustomResourceDefinition', 'Namespace', 'ConfigMap']);
  assert.ok(p.objects.every((o) => o.metadata.labels?.[addonLabel] === 'a'));
  assert.equal(planAddon('a', { checksum: 'c1', objects: [cm('x')] }, undefined, false).action, 'apply');
});

test('an unchanged file is left alone; a failed one is retried only when its backoff is due', () => {
  assert.equal(planAddon('a', { checksum: 'c1', objects: [cm('x')] }, record(), true).action, 'none');
  assert.equal(planAddon('a', { checksum: 'c1', objects: [cm('x')] }, record({ error: 'boom' }), false).action, 'none');
  assert.equal(planAddon('a', { checksum: 'c1', objects: [cm('x')] }, record({ error: 'boom' }), true).action, 'apply');
});

test('a removed file deletes what its record holds; nothing recorded, nothing to do', () => {
  assert.deepEqual(planAddon('a', undefined, record(), false), { action: 'delete', prune: record().objects });
  assert.deepEqual(planAddon('a', undefined, record(), false, 'disabled'), { action: 'delete', prune: record().objects });
  // another server's file (shared records, one manifests dir per server): never deleted from here
  assert.deepEqual(planAddon('a', undefined, record(), false, 'unseen'), { action: 'none' });
  assert.deepEqual(planAddon('a', undefined, undefined, false), { action: 'none' });
});

test('prune: what the file dropped, compared with namespaces as applied', () => {
  const prev = [
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' },
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'y', namespace: 'default' },
  ];
  assert.deepEqual(planPrune(prev, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' }]), [prev[1]]);
  assert.deepEqual(planPrune(prev, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'other' }]), prev);
  assert.equal(mergeRefs(prev, [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default' }, { apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'd' }]).length, 3);
});

test('only objects that still carry the add-on label are deleted', () => {
  assert.equal(mayPrune(undefined, 'a'), false);
  assert.equal(mayPrune(cm('x'), 'a'), false);
  assert.equal(mayPrune({ ...cm('x'), metadata: { name: 'x', labels: { [addonLabel]: 'b' } } }, 'a'), false);
  assert.equal(mayPrune({ ...cm('x'), metadata: { name: 'x', labels: { [addonLabel]: 'a' } } }, 'a'), true);
});

test('retry backoff doubles from 5 s to a 5 min cap', () => {
  assert.deepEqual([1, 2, 3, 7, 20].map(retryDelayMs), [5000, 10000, 20000, 300000, 300000]);
});
