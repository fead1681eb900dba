// Pure: what the add-on deployer does for one file of server/manifests
// (K3s' deploy controller semantics). Each file is one Addon record in
// kube-system named after the file; the record holds the file's checksum
// and every object it applied, so a later edit prunes what the file no
// longer has and a removed or disabled file deletes exactly its own objects.
// Objects carry the addon label; rfo never deletes an object without it, so
// a user's object of the same kind and namespace is never touched.

import type { KubeObject } from '../kube/parse-watch-stream.ts';
import type { ObjectRef } from '../kube/resource-path.ts';

export const addonLabel = 'addon.rfo.cattle.io/name';
export const addonNamespace = 'kube-system';

export interface AddonRecord {
  readonly name: string;
  readonly source: string;
  readonly checksum: string;
  readonly objects: readonly ObjectRef[];
  /** Set when the last apply failed; the file is retried until it succeeds. */
  readonly error?: string;
}

export type AddonPlan =
  | { readonly action: 'none' }
  | { readonly action: 'apply'; readonly objects: KubeObject[] }
  | { readonly action: 'delete'; readonly prune: ObjectRef[] };

/** server/manifests/rfo-coredns.yaml → rfo-coredns (K3s' naming). */
export function addonNameOf(fileName: string): string | undefined {
  if (fileName.startsWith('.')) return undefined;
  const m = /^(.+)\.(ya?ml|json)$/.exec(fileName);
  return m?.[1];
}

export const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion ?? '',
  kind: o.kind ?? '',
  name: o.metadata.name,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});

const refKey = (r: ObjectRef) => `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`;

/** Kinds others depend on go first, so one file can hold a CRD and its objects, or a namespace and its contents. */
const order = (o: KubeObject) => (o.kind === 'CustomResourceDefinition' ? 0 : o.kind === 'Namespace' ? 1 : 2);

export function labelled(o: KubeObject, addon: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), [addonLabel]: addon } } };
}

export interface AddonFile {
  readonly checksum: string;
  readonly objects: readonly KubeObject[];
}

/**
 * Why a recorded add-on has no file here: `disabled` (the `disable:`
 * setting), `removed` (this server had the file and it was deleted), or
 * `unseen` (this server never had it while running: another server's file,
 * or a file this server writes later, such as a packaged add-on written once
 * the node is Ready). Every server has its own server/manifests but the
 * Addon records are shared, so only the first two delete anything; a server
 * that joins must not remove what the others deployed.
 */
export type Absence = 'disabled' | 'removed' | 'unseen';

/**
 * file undefined = no file (see `absence`). `retryDue` says whether a
 * failed apply's backoff has passed.
 */
export function planAddon(name: string, file: AddonFile | undefined, record: AddonRecord | undefined, retryDue: boolean, absence: Absence = 'removed'): AddonPlan {
  if (!file) return record && absence !== 'unseen' ? { action: 'delete', prune: [...record.objects] } : { action: 'none' };
  const unchanged = record !== undefined && record.checksum === file.checksum;
  if (unchanged && record.error === undefined) return { action: 'none' };
  if (unchanged && !retryDue) return { action: 'none' };
  return { action: 'apply', objects: [...file.objects].sort((a, b) => order(a) - order(b)).map((o) => labelled(o, name)) };
}

/** After an apply: what the record had that the file no longer has (namespaces as applied). */
export function planPrune(previous: readonly ObjectRef[], applied: readonly ObjectRef[]): ObjectRef[] {
  const keep = new Set(applied.map(refKey));
  return previous.filter((r) => !keep.has(refKey(r)));
}

/** A failed apply keeps every object it may have created on record, so a later prune or delete finds it. */
export function mergeRefs(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of [...a, ...b]) seen.set(refKey(r), r);
  return [...seen.values()];
}

/** Delete a recorded object only if it still carries this add-on's label (a user may have replaced it). */
export function mayPrune(live: KubeObject | undefined, addon: string): boolean {
  return live !== undefined && live.metadata.labels?.[addonLabel] === addon;
}

/** Failed applies are retried 5 s, 10 s, 20 s … up to 5 min after the last try. */
export function retryDelayMs(failures: number): number {
  return Math.min(300_000, 5000 * 2 ** Math.max(0, failures - 1));
}
