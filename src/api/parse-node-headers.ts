// Pure: the identity a node asks a certificate for (headers rfo-node-name,
// rfo-node-password, rfo-node-ip), checked before anything is registered or
// issued. The name and IPs go into certificates, so names Kubernetes itself
// answers to (the `kubernetes` Service, localhost) and addresses that are not
// the node's own (the service IP, loopback, 0.0.0.0, multicast) are refused.

/** A request's node identity, or why it is refused (a 400 for the caller). */
export type NodeIdentity = { readonly ok: true; readonly name: string; readonly password: string; readonly ips: readonly string[] } | { readonly ok: false; readonly error: string };

export interface NodeIdentityRules {
  /** The `kubernetes` Service's ClusterIP (first address of service-cidr). */
  readonly serviceIp: string;
  readonly clusterDomain: string;
}

const label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** More addresses than any node has; bounds the certificate a request can ask for. */
const maxIps = 16;

export function isDns1123Subdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => label.test(l));
}

/** Names Kubernetes clients resolve to the apiserver or to themselves. */
export function isReservedName(name: string, clusterDomain: string): boolean {
  const n = name.toLowerCase();
  if (n === 'kubernetes' || n === 'kubernetes.default' || n.startsWith('kubernetes.default.')) return true;
  if (n === `kubernetes.default.svc.${clusterDomain.toLowerCase()}`) return true;
  return n === 'localhost' || n.endsWith('.localhost');
}

/** An IPv4 or IPv6 literal in one canonical form (dotted quad; eight lower-case hex groups), or undefined. */
export function canonicalIp(text: string): string | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255) || text.split('.').some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
    return octets.join('.');
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.length > 39) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string | undefined) => (h ? h.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if ([...head, ...tail].some((g) => g.length < 1 || g.length > 4)) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** Why this (canonical) address cannot be a node's own, or undefined. */
function notNodeOwn(ip: string, serviceIp: string): string | undefined {
  if (ip === serviceIp) return 'is the kubernetes Service IP';
  if (ip === '0.0.0.0' || ip === '0:0:0:0:0:0:0:0') return 'is the unspecified address';
  if (ip.startsWith('127.') || ip === '0:0:0:0:0:0:0:1') return 'is a loopback address (the server adds the node\'s own loopback itself)';
  const first = Number(ip.split('.')[0]);
  if (!ip.includes(':') && (first >= 224 || ip === '255.255.255.255')) return 'is a multicast or reserved address';
  if (ip.startsWith('ff')) return 'is a multicast address';
  return undefined;
}

export function parseNodeIdentity(headers: Readonly<Record<string, string | undefined>>, rules: NodeIdentityRules): NodeIdentity {
  const name = headers['rfo-node-name'] ?? '';
  const password = headers['rfo-node-password'] ?? '';
  const ipText = headers['rfo-node-ip'] ?? '';
  if (!isDns1123Subdomain(name)) return { ok: false, error: 'rfo-node-name must be a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253 characters)' };
  if (isReservedName(name, rules.clusterDomain)) return { ok: false, error: `rfo-node-name ${name} is a name Kubernetes reserves (kubernetes, kubernetes.default…, localhost); give the node another --node-name` };
  if (password.length < 16 || password.length > 256) return { ok: false, error: 'rfo-node-password is missing, too short or too long' };
  const raw = ipText.split(',').map((s) => s.trim()).filter(Boolean);
  if (raw.length > maxIps) return { ok: false, error: `rfo-node-ip lists more than ${maxIps} addresses` };
  const service = canonicalIp(rules.serviceIp) ?? rules.serviceIp;
  const ips: string[] = [];
  for (const r of raw) {
    const ip = canonicalIp(r);
    if (!ip) return { ok: false, error: `rfo-node-ip must be IP addresses; ${JSON.stringify(r.slice(0, 64))} is not one` };
    const why = notNodeOwn(ip, service);
    if (why) return { ok: false, error: `rfo-node-ip ${r} ${why}` };
    if (!ips.includes(ip)) ips.push(ip);
  }
  return { ok: true, name, password, ips };
}
