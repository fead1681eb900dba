// Keeps the ETCDSnapshotFile objects of this node (and of S3) in step with
// what exists: applies the CRD, applies one object per snapshot and place,
// deletes the ones that are gone. Talks to the apiserver with rfo's own
// client and the admin kubeconfig (no kubectl process, no jsonpath text).

import { applyCrd } from '../kube/apply-crd.ts';
import { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { typeOf } from '../kube/resource-path.ts';
import { listSnapshotsDetailed } from './snapshot-store.ts';
import type { SnapshotContext } from './snapshot-store.ts';
import { planStaleObjects, renderSnapshotCrd, renderSnapshotFile, storageLabel } from './render-snapshot-crd.ts';
import { readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { componentVersionOf } from '../runtime/runtime-images.ts';

const snapshotFileType = typeOf('k3s.cattle.io/v1', 'ETCDSnapshotFile');

/** The etcd version of the staged runtime this node runs (bin → data/<key>/bin; its manifest beside it), not rfo's build table. */
async function runtimeEtcdVersion(binDir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(dirname(await realpath(binDir)), 'manifest.json'), 'utf8')) as RuntimeManifest;
  return componentVersionOf(manifest, 'etcd') ?? 'unknown';
}

export async function syncSnapshotObjects(ctx: SnapshotContext, kubeconfig: string): Promise<number> {
  const client = await KubeClient.fromKubeconfig(kubeconfig);
  try {
    await applyCrd(client, renderSnapshotCrd());
    const listed = await listSnapshotsDetailed(ctx, false);
    const rows = listed.rows.filter((r) => r.storage === 's3' || r.node === ctx.nodeName);
    const s3 = ctx.s3 ? { endpoint: ctx.s3.endpoint, bucket: ctx.s3.bucket, region: ctx.s3.region, prefix: ctx.s3.folder, insecure: !ctx.s3.tls, skipSSLVerify: ctx.s3.skipSslVerify } : undefined;
    const etcdVersion = await runtimeEtcdVersion(ctx.binDir);
    const objects = rows.map((r) => renderSnapshotFile(r, s3, etcdVersion) as KubeObject);
    // Server-side apply, one object at a time: rfo owns the fields it sets.
    for (const obj of objects) await client.apply(obj);
    // Only objects with the storage label are rfo's to prune.
    const existing = (await client.list(snapshotFileType, { labelSelector: storageLabel })).items.map((o) => ({ name: o.metadata.name, storage: o.metadata.labels?.[storageLabel] ?? '' }));
    // S3 objects are only removed when the bucket was actually listed.
    const stale = planStaleObjects(existing, objects.map((o) => o.metadata.name), ctx.nodeName, listed.s3Listed);
    for (const name of stale) await client.delete(snapshotFileType, name);
    return objects.length;
  } finally {
    client.close();
  }
}
