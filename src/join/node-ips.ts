// The addresses rfo knows a node has, kept as an annotation on its
// node-password secret in kube-system: written when a server issues the
// node's kubelet serving certificate at its join (the addresses it declared
// with the token and its node password, already checked against the servers'
// own) and by each server for itself. Only servers write these secrets, nodes
// cannot read or change them, and they go with the Node (watch-servers.ts), so
// the CSR approver can trust them where it cannot trust Node status.

import { canonicalIp } from '../api/parse-node-headers.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { typeOf } from '../kube/resource-path.ts';
import { nodeOfPasswordSecret, nodePasswordSecretName } from './node-password.ts';
import { nodePasswordSecretType } from './plan-node-password-cleanup.ts';

export const nodeIpsAnnotation = 'rfo.cattle.io/node-ips';
const secretType = typeOf('v1', 'Secret');

/** Node name → its registered addresses (canonical), from node-password secrets; secrets without the annotation are left out. */
export function registeredNodeIps(secrets: readonly KubeObject[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of secrets) {
    const node = nodeOfPasswordSecret(s.metadata.name);
    const value = s.metadata.annotations?.[nodeIpsAnnotation];
    if (!node || value === undefined) continue;
    out.set(node, value.split(',').map((ip) => canonicalIp(ip.trim())).filter((ip): ip is string => ip !== undefined));
  }
  return out;
}

export async function readRegisteredNodeIps(client: KubeClient): Promise<Map<string, string[]>> {
  const { items } = await client.list(secretType, { namespace: 'kube-system', fieldSelector: `type=${nodePasswordSecretType}` });
  return registeredNodeIps(items);
}

/** Record the node's addresses on its (existing) node-password secret. */
export async function recordNodeIps(client: KubeClient, nodeName: string, ips: readonly string[]): Promise<void> {
  const canonical = [...new Set(ips.map((ip) => canonicalIp(ip) ?? ip))];
  await client.mergePatch(secretType, nodePasswordSecretName(nodeName), { metadata: { annotations: { [nodeIpsAnnotation]: canonical.join(',') } } }, { namespace: 'kube-system' });
}
