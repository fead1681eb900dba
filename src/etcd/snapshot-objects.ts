// Keeps the ETCDSnapshotFile objects of this node (and of S3) in step with
// what exists: applies the CRD, applies one object per snapshot and place,
// deletes the ones that are gone. Uses the runtime's kubectl with the admin
// kubeconfig, like the server's manifest apply.

import { kubectlFor } from '../util/kubectl.ts';
import { listSnapshotsDetailed } from './snapshot-store.ts';
import type { SnapshotContext } from './snapshot-store.ts';
import { planStaleObjects, renderSnapshotCrd, renderSnapshotFile, storageLabel } from './render-snapshot-crd.ts';
import { components } from '../versions/table.ts';

export async function syncSnapshotObjects(ctx: SnapshotContext, kubeconfig: string): Promise<number> {
  const kubectl = kubectlFor(ctx.binDir, kubeconfig);
  const crd = await kubectl(['apply', '-f', '-'], JSON.stringify(renderSnapshotCrd()));
  if (crd.code !== 0) throw new Error(`applying the ETCDSnapshotFile CRD: ${crd.stderr.trim()}`);
  await kubectl(['wait', '--for=condition=Established', '--timeout=30s', 'crd/etcdsnapshotfiles.k3s.cattle.io']);
  const listed = await listSnapshotsDetailed(ctx, false);
  const rows = listed.rows.filter((r) => r.storage === 's3' || r.node === ctx.nodeName);
  const s3 = ctx.s3 ? { endpoint: ctx.s3.endpoint, bucket: ctx.s3.bucket, region: ctx.s3.region, prefix: ctx.s3.folder, insecure: !ctx.s3.tls, skipSSLVerify: ctx.s3.skipSslVerify } : undefined;
  const objects = rows.map((r) => renderSnapshotFile(r, s3, components.etcd.version)) as { metadata: { name: string } }[];
  if (objects.length > 0) {
    const r = await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    if (r.code !== 0) throw new Error(`applying ETCDSnapshotFile objects: ${r.stderr.trim()}`);
  }
  const got = await kubectl(['get', 'etcdsnapshotfiles', '-o', `jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.${storageLabel.replaceAll('.', '\\.')}}{"\\n"}{end}`]);
  const existing = got.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', storage = ''] = l.split(' ');
      return { name, storage };
    });
  // S3 objects are only removed when the bucket was actually listed.
  const stale = planStaleObjects(existing, objects.map((o) => o.metadata.name), ctx.nodeName, listed.s3Listed);
  if (stale.length > 0) await kubectl(['delete', 'etcdsnapshotfile', '--ignore-not-found', ...stale]);
  return objects.length;
}
