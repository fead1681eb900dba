// Facts about the host that the server plan depends on, read once and passed
// to the pure planners: hostname, addresses, cgroup version, init system,
// swap and forwarding state.

import { readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';

export interface HostFacts {
  readonly hostname: string;
  /** First non-loopback IPv4 address, the default node IP. */
  readonly defaultIp: string | undefined;
  readonly cgroupV1: boolean;
  readonly systemdPid1: boolean;
  readonly swapOn: boolean;
  readonly ipForward: boolean;
  readonly isRoot: boolean;
  /** CAP_SYS_RESOURCE in our effective set: needed to lower OOM scores. */
  readonly canLowerOomScore: boolean;
}

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

export async function readHostFacts(): Promise<HostFacts> {
  const mounts = await readOr('/proc/mounts', '');
  const unified = mounts.split('\n').some((l) => {
    const [, target, type] = l.split(' ');
    return target === '/sys/fs/cgroup' && type === 'cgroup2';
  });
  const comm = (await readOr('/proc/1/comm', '')).trim();
  const swaps = (await readOr('/proc/swaps', '')).trim().split('\n').slice(1).filter(Boolean);
  const forward = (await readOr('/proc/sys/net/ipv4/ip_forward', '0')).trim() === '1';
  let defaultIp: string | undefined;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!defaultIp && a.family === 'IPv4' && !a.internal) defaultIp = a.address;
  }
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(await readOr('/proc/self/status', ''))?.[1] ?? '0';
  const capSysResource = 24;
  return {
    canLowerOomScore: (BigInt(`0x${capEff}`) >> BigInt(capSysResource)) % 2n === 1n,
    hostname: hostname().toLowerCase(),
    defaultIp,
    cgroupV1: !unified,
    systemdPid1: comm === 'systemd',
    swapOn: swaps.length > 0,
    ipForward: forward,
    isRoot: process.getuid?.() === 0,
  };
}
