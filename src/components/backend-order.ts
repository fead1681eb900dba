// Pure: the order in which the agent's load balancer tries apiservers. The
// server that worked last stays first (connections stick to one apiserver,
// as with K3s' load balancer); healthy ones come before ones that failed a
// recent check; ties keep the configured order.

export interface BackendHealth {
  readonly address: string;
  readonly healthy: boolean;
}

export function orderBackends(backends: readonly BackendHealth[], preferred: string | undefined): string[] {
  const rank = (b: BackendHealth) => (b.healthy ? 0 : 2) + (b.address === preferred ? 0 : 1);
  return backends
    .map((b, i) => ({ b, i }))
    .sort((x, y) => rank(x.b) - rank(y.b) || x.i - y.i)
    .map((x) => x.b.address);
}

/** "host:port" → parts; IPv6 in brackets. */
export function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m?.[1] || !m[2]) throw new Error(`not host:port: ${address}`);
  return { host: m[1], port: Number(m[2]) };
}
