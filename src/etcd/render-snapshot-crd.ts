// Pure: the ETCDSnapshotFile CRD (k3s.cattle.io/v1, cluster-scoped, RKE2's
// shape and printer columns) and one object per snapshot and place, so
// `kubectl get etcdsnapshotfiles` shows local and S3 snapshots of every
// server, failed uploads included.

import { createHash } from 'node:crypto';
import type { Row } from './plan-snapshot-list.ts';

export const storageLabel = 'etcd.rfo.cattle.io/snapshot-storage-node';

export function renderSnapshotCrd(): object {
  const str = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'etcdsnapshotfiles.k3s.cattle.io' },
    spec: {
      group: 'k3s.cattle.io',
      scope: 'Cluster',
      names: { kind: 'ETCDSnapshotFile', plural: 'etcdsnapshotfiles', singular: 'etcdsnapshotfile', listKind: 'ETCDSnapshotFileList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [
            { name: 'SnapshotName', type: 'string', jsonPath: '.spec.snapshotName' },
            { name: 'Node', type: 'string', jsonPath: '.spec.nodeName' },
            { name: 'Location', type: 'string', jsonPath: '.spec.location' },
            { name: 'Size', type: 'string', jsonPath: '.status.size' },
            { name: 'CreationTime', type: 'string', jsonPath: '.status.creationTime' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    snapshotName: str,
                    nodeName: str,
                    location: str,
                    etcdVersion: str,
                    metadata: { type: 'object', additionalProperties: str },
                    s3: {
                      type: 'object',
                      properties: { endpoint: str, endpointCA: str, skipSSLVerify: { type: 'boolean' }, bucket: str, region: str, prefix: str, insecure: { type: 'boolean' } },
                    },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    readyToUse: { type: 'boolean' },
                    size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                    creationTime: { type: 'string', format: 'date-time' },
                    error: { type: 'object', properties: { time: { type: 'string', format: 'date-time' }, message: str } },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}

/** RKE2's naming: <storage>-<lowercased file>-<6 hex of sha256(node+location)>, DNS-safe. */
export function snapshotObjectName(row: Pick<Row, 'storage' | 'file' | 'node' | 'location'>): string {
  const hash = createHash('sha256').update(row.node + row.location).digest('hex').slice(0, 6);
  const stem = row.file.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/\.zip$/, '-zip');
  const name = `${row.storage}-${stem}`.slice(0, 253 - 7).replace(/[-.]+$/, '');
  return `${name}-${hash}`;
}

export interface S3Facts {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly prefix: string;
  readonly insecure: boolean;
  readonly skipSSLVerify: boolean;
}

export function renderSnapshotFile(row: Row, s3: S3Facts | undefined, etcdVersion: string): object {
  return {
    apiVersion: 'k3s.cattle.io/v1',
    kind: 'ETCDSnapshotFile',
    metadata: { name: snapshotObjectName(row), labels: { [storageLabel]: row.storage === 's3' ? 's3' : row.node } },
    spec: {
      snapshotName: row.file,
      nodeName: row.node,
      location: row.location,
      etcdVersion,
      metadata: { compressed: String(row.compressed), ...(row.sha256 ? { sha256: row.sha256 } : {}) },
      ...(row.storage === 's3' && s3 ? { s3 } : {}),
    },
    status: {
      readyToUse: row.status === 'ok',
      size: String(row.size),
      creationTime: row.createdAt,
      ...(row.status === 'failed' ? { error: { time: row.createdAt, message: row.message ?? 'failed' } } : {}),
    },
  };
}

/** Objects this node owns (its local ones, and S3 ones when S3 is on) that no longer exist. */
export function planStaleObjects(existing: readonly { name: string; storage: string }[], desired: readonly string[], node: string, s3On: boolean): string[] {
  return existing.filter((e) => (e.storage === node || (s3On && e.storage === 's3')) && !desired.includes(e.name)).map((e) => e.name);
}
