// Pure: who may open another connection to the supervisor API. A source is
// one IPv4 address, or one IPv6 /64 (a single host usually owns a whole /64,
// so counting IPv6 addresses one by one would give it billions of slots).
// Each source gets its own cap, below the total cap, so one source cannot
// use up the slots other nodes need to join.

export interface ConnectionLimits {
  readonly perSource: number;
  readonly total: number;
}

export type Admission = 'ok' | 'source-full' | 'total-full';

/** The key a connection's remote address is counted under. */
export function sourceKey(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address; // IPv4 (Node gives no other kinds)
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** Eight 16-bit groups, lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]?.split('::') ?? [''];
  const groups = (s: string) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

/** Whether a new connection from `source` fits, given the connections open now. */
export function admitConnection(open: ReadonlyMap<string, number>, totalOpen: number, source: string, limits: ConnectionLimits): Admission {
  if (totalOpen >= limits.total) return 'total-full';
  if ((open.get(source) ?? 0) >= limits.perSource) return 'source-full';
  return 'ok';
}
