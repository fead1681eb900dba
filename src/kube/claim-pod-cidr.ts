// The first server's node takes its pod CIDR itself instead of waiting for
// kube-controller-manager's node-ipam controller, which on a 2-core host
// starts about 5 s after the apiserver (it builds every controller first,
// each with its own service-account credentials) and so held up flanneld
// and the whole cold start.
//
// Safe because it is exactly what the controller would do: on a cluster
// whose only Node is this one and has no pod CIDR, the range allocator's
// first allocation is the first /24 of cluster-cidr; the allocator counts
// CIDRs already set on Nodes as taken when it starts and when Nodes change.
// Any other case (a joining server, an agent, a second Node, an IPv6 or a
// smaller cluster-cidr) is left to the controller.

import { ipv4ToInt, intToIpv4 } from '../util/ip.ts';
import type { KubeClient } from './kube-client.ts';
import type { KubeObject } from './parse-watch-stream.ts';
import { typeOf } from './resource-path.ts';

/** Mask of node pod CIDRs: kube-controller-manager's --node-cidr-mask-size default for IPv4. */
export const nodeCidrMaskSize = 24;

/** Pure: the first node-sized subnet of an IPv4 cluster CIDR, or undefined. */
export function firstPodCidr(clusterCidr: string): string | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(clusterCidr);
  if (!m?.[1] || !m[2]) return undefined;
  const prefix = Number(m[2]);
  if (prefix > nodeCidrMaskSize) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return `${intToIpv4((ipv4ToInt(m[1]) & mask) >>> 0)}/${nodeCidrMaskSize}`;
}

interface NodeLike extends KubeObject {
  readonly spec?: { readonly podCIDR?: string };
}

/** Pure: whether this node may take the first CIDR (it is the only Node, without a CIDR). */
export function mayClaimFirstPodCidr(nodes: readonly NodeLike[], nodeName: string): boolean {
  return nodes.length === 1 && nodes[0]?.metadata.name === nodeName && (nodes[0].spec?.podCIDR ?? '') === '';
}

const nodeType = typeOf('v1', 'Node');

/** Set spec.podCIDR(s) when mayClaimFirstPodCidr; true when it did. A refusal (the controller was first) is no error. */
export async function claimFirstPodCidr(client: KubeClient, nodeName: string, cidr: string): Promise<boolean> {
  const nodes = (await client.list<NodeLike>(nodeType)).items;
  if (!mayClaimFirstPodCidr(nodes, nodeName)) return false;
  try {
    await client.mergePatch(nodeType, nodeName, { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    return true;
  } catch {
    // podCIDR is immutable once set: kube-controller-manager set it meanwhile
    return false;
  }
}
