// Pure: rfo's decision on a kubelet serving certificate request
// (signer kubernetes.io/kubelet-serving). kube-controller-manager signs what
// is approved with kubelet-ca, which kube-apiserver trusts for connections to
// kubelets (logs, exec, port-forward): a certificate for another node's name
// or address would let its holder pose as that kubelet to the apiserver.
//
// What a node may have: its own name as the only DNS name, and only the
// addresses rfo registered for it (rfo.cattle.io/node-ips on its
// node-password secret: what it declared when it joined with the token and
// its node password, or a server's own node IPs) — the same names rfo put in
// the serving certificate it issued itself. Node status addresses are NOT
// used: a node's credential may update its own Node status, so a compromised
// node could list a neighbour's IP there and have it signed.
//
// Decisions: approve; deny what no honest kubelet asks for (another node's
// identity, names or addresses registered to another node, client usage,
// e-mail/URI names, a malformed request); leave pending (logged) what may be
// honest but cannot be checked (a name or address rfo has no record of, a
// request not made by a node) — an operator can still approve it by hand, a
// denial would be final.

import { parseCsrPem } from '../pki/parse-csr.ts';

export const kubeletServingSigner = 'kubernetes.io/kubelet-serving';

/** What kubelet asks for: server auth, with digital signature (ECDSA) and key encipherment (RSA). */
const allowedUsages = new Set(['digital signature', 'key encipherment', 'server auth']);

export interface CsrFacts {
  readonly name: string;
  readonly signerName: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly usages: readonly string[];
  /** The PEM request (spec.request, base64-decoded). */
  readonly requestPem: string;
  /** Condition types already on the request (Approved, Denied, Failed). */
  readonly conditions: readonly string[];
}

export type CsrDecision =
  | { readonly action: 'skip' }
  | { readonly action: 'approve'; readonly node: string; readonly message: string }
  | { readonly action: 'deny'; readonly reason: string }
  | { readonly action: 'pending'; readonly reason: string };

/**
 * registered: node name → the addresses rfo registered for it (canonical form,
 * see canonicalIp); a node missing here has no record.
 */
export function planCsrApproval(csr: CsrFacts, registered: ReadonlyMap<string, readonly string[]>): CsrDecision {
  if (csr.signerName !== kubeletServingSigner) return { action: 'skip' };
  if (csr.conditions.some((c) => c === 'Approved' || c === 'Denied' || c === 'Failed')) return { action: 'skip' };
  const requester = /^system:node:(.+)$/.exec(csr.username)?.[1];
  if (!requester || !csr.groups.includes('system:nodes')) {
    return { action: 'pending', reason: `requested by ${csr.username}, not by a node: rfo approves only a kubelet's request for its own node` };
  }
  const deny = (why: string): CsrDecision => ({ action: 'deny', reason: `node ${requester} ${why}` });
  const parsed = parseCsrPem(csr.requestPem);
  if (!parsed.ok) return deny(`sent an unreadable request: ${parsed.error}`);
  const r = parsed.csr;
  if (r.commonName !== `system:node:${requester}`) return deny(`asked for the identity ${JSON.stringify(r.commonName)}, not system:node:${requester}`);
  if (r.organizations.length !== 1 || r.organizations[0] !== 'system:nodes') return deny(`asked for organizations ${JSON.stringify(r.organizations)}, not exactly system:nodes`);
  if (r.emailAddresses.length + r.uris.length + r.otherNames > 0) return deny('asked for e-mail, URI or other names, which a kubelet never does');
  if (r.dnsNames.length + r.ipAddresses.length === 0) return deny('asked for a serving certificate without any name or address');
  const badUsages = csr.usages.filter((u) => !allowedUsages.has(u));
  if (badUsages.length > 0) return deny(`asked for usages ${badUsages.join(', ')} on a serving certificate`);
  if (!csr.usages.includes('server auth')) return deny('asked for a serving certificate without server auth');

  const othersNames = new Set([...registered.keys()].filter((n) => n !== requester));
  const othersIps = new Map<string, string>();
  for (const [node, ips] of registered) if (node !== requester) for (const ip of ips) othersIps.set(ip, node);
  const stolenName = r.dnsNames.find((d) => othersNames.has(d.toLowerCase()));
  if (stolenName) return deny(`asked for the name ${stolenName}, which is another node's`);
  const stolenIp = r.ipAddresses.find((ip) => othersIps.has(ip));
  if (stolenIp) return deny(`asked for the address ${stolenIp}, which rfo registered for node ${othersIps.get(stolenIp) ?? ''}`);

  const extraNames = r.dnsNames.filter((d) => d.toLowerCase() !== requester.toLowerCase());
  if (extraNames.length > 0) return { action: 'pending', reason: `node ${requester} asked for DNS names ${extraNames.join(', ')}; rfo approves only the node's own name` };
  const own = registered.get(requester);
  if (!own) return { action: 'pending', reason: `rfo has no record of node ${requester}'s addresses (rfo.cattle.io/node-ips on its node-password secret)` };
  const unknownIps = r.ipAddresses.filter((ip) => !own.includes(ip));
  if (unknownIps.length > 0) return { action: 'pending', reason: `node ${requester} asked for addresses ${unknownIps.join(', ')}; rfo registered only ${own.join(', ') || 'none'} for it` };
  return { action: 'approve', node: requester, message: `rfo: kubelet serving certificate for node ${requester} (${[...r.dnsNames, ...r.ipAddresses].join(', ')}), its own registered names` };
}
