// The add-on deployer: keeps the cluster in step with server/manifests.
// Each file is applied (server-side apply, field manager "rfo") when its
// checksum differs from its Addon record's or its last apply failed (then
// with backoff); objects the file dropped are pruned; a removed or disabled
// file's objects are deleted. Decisions are plan-addon.ts; this is the I/O.

import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import type { ObjectRef } from '../kube/resource-path.ts';
import { typeOf } from '../kube/resource-path.ts';
import { parseManifestFile } from './parse-manifest-file.ts';
import { addonNameOf, addonNamespace, mayPrune, mergeRefs, planAddon, planPrune, refOf, retryDelayMs } from './plan-addon.ts';
import type { AddonFile, AddonRecord } from './plan-addon.ts';
import { renderAddonCrd } from './render-addon-crd.ts';

export interface AddonDeployerOptions {
  readonly client: KubeClient;
  readonly dir: string;
  /** Names from `disable:`: treated as if their file were absent. */
  readonly disabled: ReadonlySet<string>;
  readonly log: (message: string) => void;
  /** How often the directory is re-read besides file-system events. */
  readonly intervalMs?: number;
  /** Namespace of namespaced objects that name none (kubectl apply's). */
  readonly defaultNamespace?: string;
  readonly now?: () => number;
}

export interface AddonDeployer {
  /** One pass over the directory (also what the timer runs); resolves when done. */
  sync(): Promise<void>;
  stop(): void;
}

interface AddonObject extends KubeObject {
  spec?: { source?: string; checksum?: string };
  status?: { objects?: ObjectRef[]; objectCount?: number; error?: string; failures?: number; lastAttempt?: string };
}

const addonType = typeOf('k3s.cattle.io/v1', 'Addon');

function recordOf(o: AddonObject): AddonRecord & { failures: number; lastAttempt: number } {
  return {
    name: o.metadata.name,
    source: o.spec?.source ?? '',
    checksum: o.spec?.checksum ?? '',
    objects: o.status?.objects ?? [],
    ...(o.status?.error ? { error: o.status.error } : {}),
    failures: o.status?.failures ?? 0,
    lastAttempt: Date.parse(o.status?.lastAttempt ?? '') || 0,
  };
}

async function readFiles(dir: string, disabled: ReadonlySet<string>): Promise<Map<string, { path: string; text: string }>> {
  const out = new Map<string, { path: string; text: string }>();
  for (const entry of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const name = addonNameOf(entry);
    if (!name || disabled.has(name)) continue;
    const text = await readFile(join(dir, entry), 'utf8').catch(() => undefined);
    if (text !== undefined) out.set(name, { path: join(dir, entry), text });
  }
  return out;
}

export async function ensureAddonCrd(client: KubeClient): Promise<void> {
  await client.apply(renderAddonCrd() as unknown as KubeObject);
  // Established within a second or two; listing works once it is.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.list(addonType, { namespace: addonNamespace });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function startAddonDeployer(o: AddonDeployerOptions): Promise<AddonDeployer> {
  const { client, log } = o;
  const now = o.now ?? Date.now;
  await ensureAddonCrd(client);

  const writeRecord = (name: string, source: string, checksum: string, objects: readonly ObjectRef[], failure?: { error: string; failures: number }) =>
    client.apply<AddonObject>({
      apiVersion: 'k3s.cattle.io/v1',
      kind: 'Addon',
      metadata: { name, namespace: addonNamespace },
      spec: { source, checksum },
      status: { objects: [...objects], objectCount: objects.length, ...(failure ? { error: failure.error, failures: failure.failures } : { failures: 0 }), lastAttempt: new Date(now()).toISOString() },
    });

  const deleteOwned = async (name: string, refs: readonly ObjectRef[]) => {
    // Reverse of apply order: namespaced contents before their namespace, CRs before CRDs.
    for (const ref of [...refs].reverse()) {
      const type = await client.typeFor(ref.apiVersion, ref.kind).catch(() => undefined);
      if (!type) continue; // its CRD is gone, and with it the object
      const live = await client.get(type, ref.name, ref.namespace);
      if (mayPrune(live, name)) await client.delete(type, ref.name, ref.namespace);
    }
  };

  const applyAll = async (objects: readonly KubeObject[], applied: ObjectRef[]) => {
    for (const obj of objects) {
      const type = await client.typeFor(obj.apiVersion ?? '', obj.kind ?? '');
      const namespace = type.namespaced ? (obj.metadata.namespace ?? o.defaultNamespace ?? 'default') : undefined;
      const placed: KubeObject = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
      if (!type.namespaced) delete placed.metadata.namespace;
      await client.apply(placed);
      applied.push(refOf(placed));
    }
  };

  // Files this deployer has seen since it started: only their removal deletes objects.
  const seen = new Set<string>();
  const syncOne = async (name: string, file: { path: string; text: string } | undefined, record: ReturnType<typeof recordOf> | undefined) => {
    const checksum = file ? createHash('sha256').update(file.text).digest('hex') : '';
    const retryDue = record ? now() - record.lastAttempt >= retryDelayMs(record.failures) : true;
    let parsed: AddonFile | undefined;
    if (file) {
      const p = parseManifestFile(file.text, file.path);
      if (!p.ok) {
        if (record?.checksum === checksum && record.error === p.error) return; // reported already; wait for an edit
        log(`manifest ${file.path}: ${p.error}; nothing applied`);
        await writeRecord(name, file.path, checksum, record?.objects ?? [], { error: p.error, failures: (record?.failures ?? 0) + 1 });
        return;
      }
      parsed = { checksum, objects: p.objects };
    }
    const plan = planAddon(name, parsed, record, retryDue, o.disabled.has(name) ? 'disabled' : seen.has(name) ? 'removed' : 'unseen');
    if (plan.action === 'none') return;
    if (plan.action === 'delete') {
      await deleteOwned(name, plan.prune);
      await client.delete(addonType, name, addonNamespace);
      log(`add-on ${name} removed: ${plan.prune.length} object(s) deleted`);
      return;
    }
    const applied: ObjectRef[] = [];
    try {
      await applyAll(plan.objects, applied);
      const prune = planPrune(record?.objects ?? [], applied);
      await deleteOwned(name, prune);
      await writeRecord(name, file?.path ?? '', checksum, applied);
      log(`add-on ${name} applied: ${applied.length} object(s)${prune.length > 0 ? `, ${prune.length} pruned` : ''}`);
    } catch (err) {
      const failures = (record?.failures ?? 0) + 1;
      const error = (err as Error).message;
      log(`add-on ${name} (${file?.path ?? ''}) failed, attempt ${failures}, retrying in ${retryDelayMs(failures) / 1000}s: ${error}`);
      await writeRecord(name, file?.path ?? '', checksum, mergeRefs(record?.objects ?? [], applied), { error, failures });
    }
  };

  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    const files = await readFiles(o.dir, o.disabled);
    for (const name of files.keys()) seen.add(name);
    const listed = await client.list<AddonObject>(addonType, { namespace: addonNamespace });
    // Only records of this directory: an Addon someone made another way is not ours to delete.
    const records = new Map(listed.items.map(recordOf).filter((r) => r.source.startsWith(`${o.dir}/`)).map((r) => [r.name, r]));
    for (const name of new Set([...files.keys(), ...records.keys()])) {
      try {
        await syncOne(name, files.get(name), records.get(name));
      } catch (err) {
        log(`add-on ${name}: ${(err as Error).message}`);
      }
    }
  };
  const sync = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (err) {
          log(`add-on deployer: ${(err as Error).message}; retrying`);
        }
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(o.dir, () => void sync());
    watcher.on('error', () => undefined); // the timer still runs
  } catch {
    // no inotify (or the directory is missing): the timer alone
  }
  const timer = setInterval(() => void sync(), o.intervalMs ?? 10_000);
  await sync();
  return {
    sync,
    stop() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}
