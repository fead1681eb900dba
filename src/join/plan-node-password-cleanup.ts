// Pure: which node-password secrets to delete. A node's secret goes when its
// Node object is deleted (`kubectl delete node`), so the name can join again
// with a new password, as K3s/RKE2 do. Only names seen as Nodes before are
// candidates, because a joining node's secret exists before its kubelet
// registers the Node; a secret whose Node never appeared is an abandoned join
// and goes after orphanAfterMs.

import { nodeOfPasswordSecret } from './node-password.ts';

export interface NodePasswordSecret {
  readonly name: string;
  /** creationTimestamp, ms since the epoch. */
  readonly created: number;
}

export const nodePasswordSecretType = 'rfo.cattle.io/node-password';

export function planNodePasswordCleanup(
  secrets: readonly NodePasswordSecret[],
  nodes: ReadonlySet<string>,
  seenBefore: ReadonlySet<string>,
  now: number,
  orphanAfterMs = 3_600_000,
): string[] {
  return secrets
    .filter((s) => {
      const node = nodeOfPasswordSecret(s.name);
      if (node === undefined || nodes.has(node)) return false;
      return seenBefore.has(node) || now - s.created > orphanAfterMs;
    })
    .map((s) => s.name);
}

/** The name and creation time of secrets as the API lists them; one without a valid creationTimestamp is dropped. */
export function parseNodePasswordSecrets(objects: readonly { metadata: { name: string; creationTimestamp?: string } }[]): NodePasswordSecret[] {
  return objects
    .map((o) => ({ name: o.metadata.name, created: Date.parse(o.metadata.creationTimestamp ?? '') }))
    .filter((s) => s.name !== '' && !Number.isNaN(s.created));
}
