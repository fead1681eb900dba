// Pure IP address arithmetic shared by the PKI (SANs, the service IP) and the
// CNI config (network addresses), so there is one implementation to trust.

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The eight 16-bit groups of an IPv6 address, "::" expanded. */
export function ipv6Groups(ip: string): number[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : ip.split(':');
  return groups.map((g) => parseInt(g, 16));
}
