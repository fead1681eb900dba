// Pure: the shape of a lab from its options — names of the bridge, network
// namespaces and veths (interface names stay within Linux's 15 characters),
// each node's address, cgroup root, host-side directories and the rfo command
// line it runs. The I/O in lab.ts only carries this plan out.

import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { intToIpv4, ipv4ToInt } from '../util/ip.ts';

export type LabRole = 'server' | 'agent';

export interface LabOptions {
  readonly servers: number;
  readonly agents: number;
  readonly labDir: string;
  readonly subnet: string;
  readonly name: string;
}

export const labDefaults: LabOptions = { servers: 1, agents: 0, labDir: '/var/lib/rfo-lab', subnet: '10.198.0.0/24', name: 'rfolab' };

/** Host paths a node sees privately: each gets a directory of its own under <lab-dir>/<node>/. */
export const privateDirs: readonly { readonly target: string; readonly dir: string }[] = [
  { target: '/etc/rancher', dir: 'etc-rancher' },
  { target: '/var/lib/rancher', dir: 'var-lib-rancher' },
  { target: '/var/lib/kubelet', dir: 'var-lib-kubelet' },
  { target: '/etc/cni', dir: 'etc-cni' },
  { target: '/var/lib/cni', dir: 'var-lib-cni' },
  { target: '/var/log/pods', dir: 'var-log-pods' },
  { target: '/var/log/containers', dir: 'var-log-containers' },
];

export interface LabNodePlan {
  readonly name: string;
  readonly role: LabRole;
  readonly ip: string;
  readonly netns: string;
  /** The host end of the node's veth, enslaved to the bridge. */
  readonly hostIf: string;
  /** The node's end, renamed eth0 inside its namespace. */
  readonly nodeIf: string;
  /** kubelet's cgroupRoot (set by a drop-in): one tree per node, so kubelets never share pod cgroups. */
  readonly cgroupRoot: string;
  /**
   * rfo's run dir in the node. /run is a private tmpfs there, but killall
   * finds an instance's processes by this path (RFO_MANAGED) in the host-wide
   * process table, so it must differ between nodes.
   */
  readonly runDir: string;
  readonly dir: string;
}

export interface LabPlan {
  readonly name: string;
  readonly labDir: string;
  readonly subnet: string;
  readonly prefixLength: number;
  readonly bridge: string;
  readonly bridgeIp: string;
  /** Marks the host iptables rules the lab adds, so down finds exactly those. */
  readonly ruleComment: string;
  readonly nodes: readonly LabNodePlan[];
}

const maxServers = 9; // .11 – .19
const maxAgents = 99; // .21 – .119

function usage(message: string, hint: string): RfoError {
  return new RfoError('RFO_USAGE', message, { hint });
}

export function parseSubnet(subnet: string): { base: number; prefixLength: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(subnet);
  const octetsOk = m?.[1]?.split('.').every((o) => Number(o) <= 255) ?? false;
  const prefixLength = Number(m?.[2]);
  if (!m || !octetsOk || prefixLength > 24 || prefixLength < 8) {
    throw usage(`--subnet ${subnet} is not an IPv4 network of size /8 to /24`, 'pass e.g. --subnet 10.198.0.0/24');
  }
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  const base = ipv4ToInt(m[1] ?? '');
  if (((base & mask) >>> 0) !== base) throw usage(`--subnet ${subnet} has host bits set`, `use the network address, e.g. ${intToIpv4((base & mask) >>> 0)}/${prefixLength}`);
  return { base, prefixLength };
}

/** Whether two IPv4 networks share any address. */
export function overlaps(a: string, b: string): boolean {
  const parse = (cidr: string) => {
    const [ip = '', len = '32'] = cidr.split('/');
    const n = Number(len);
    const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    return { net: (ipv4ToInt(ip) & mask) >>> 0, mask };
  };
  const x = parse(a);
  const y = parse(b);
  const common = (x.mask & y.mask) >>> 0;
  return ((x.net & common) >>> 0) === ((y.net & common) >>> 0);
}

export function nodeNames(servers: number, agents: number): { name: string; role: LabRole; index: number }[] {
  return [
    ...Array.from({ length: servers }, (_, i) => ({ name: `s${i + 1}`, role: 'server' as const, index: i })),
    ...Array.from({ length: agents }, (_, i) => ({ name: `a${i + 1}`, role: 'agent' as const, index: i })),
  ];
}

export function planLab(o: LabOptions): LabPlan {
  if (!/^[a-z][a-z0-9]{0,9}$/.test(o.name)) {
    throw usage(`--name ${o.name} must be 1–10 lowercase letters or digits, starting with a letter`, 'interface names are <name>br and <name>-<node>, at most 15 characters');
  }
  if (!Number.isInteger(o.servers) || o.servers < 1 || o.servers > maxServers) throw usage(`--servers ${o.servers}: the lab runs 1 to ${maxServers} servers`, 'pass --servers 1, 3 or 5 (etcd wants an odd number)');
  if (!Number.isInteger(o.agents) || o.agents < 0 || o.agents > maxAgents) throw usage(`--agents ${o.agents}: the lab runs 0 to ${maxAgents} agents`, 'pass a smaller --agents');
  if (!o.labDir.startsWith('/') || o.labDir === '/') throw usage(`--lab-dir ${o.labDir} must be an absolute path other than /`, 'e.g. --lab-dir /var/lib/rfo-lab');
  const { base, prefixLength } = parseSubnet(o.subnet);
  const nodes = nodeNames(o.servers, o.agents).map(({ name, role, index }) => ({
    name,
    role,
    ip: intToIpv4(base + (role === 'server' ? 11 : 21) + index),
    netns: `${o.name}-${name}`,
    hostIf: `${o.name}-${name}`,
    nodeIf: 'eth0',
    cgroupRoot: `/${o.name}-${name}`,
    runDir: `/run/rfo-${o.name}-${name}`,
    dir: join(o.labDir, name),
  }));
  return {
    name: o.name,
    labDir: o.labDir,
    subnet: o.subnet,
    prefixLength,
    bridge: `${o.name}br`,
    bridgeIp: intToIpv4(base + 1),
    ruleComment: `rfo-lab:${o.name}`,
    nodes,
  };
}

export interface NodeArgvInput {
  readonly rfo: string;
  readonly node: LabNodePlan;
  /** The first server's address: every other node joins through its supervisor port. */
  readonly firstServerIp: string;
  readonly token: string;
  readonly runtimeDir: string;
  /** The node's resolv.conf (host path): the host's may point into /run, which is private in the node. */
  readonly resolvConf: string;
}

/** The rfo command line a node runs; inside its namespaces rfo uses its default paths. */
export function nodeArgv(i: NodeArgvInput): string[] {
  const { node } = i;
  const isFirst = node.role === 'server' && node.ip === i.firstServerIp;
  return [
    i.rfo,
    node.role,
    ...(isFirst ? [] : ['--server', `https://${i.firstServerIp}:9345`]),
    '--token',
    i.token,
    '--node-ip',
    node.ip,
    '--node-name',
    node.name,
    '--run-dir',
    node.runDir,
    '--runtime-dir',
    i.runtimeDir,
    '--resolv-conf',
    i.resolvConf,
  ];
}

/** The same command line with another runtime: the lab's in-place upgrade (install the newer release, restart). */
export function withRuntimeDir(argv: readonly string[], runtimeDir: string): string[] {
  const at = argv.indexOf('--runtime-dir');
  if (at < 0 || at + 1 >= argv.length) return [...argv, '--runtime-dir', runtimeDir];
  return [...argv.slice(0, at + 1), runtimeDir, ...argv.slice(at + 2)];
}

/** Where the lab puts its kubelet drop-in, relative to the node's host dir (the node sees /var/lib/rancher/rfo/agent/etc/kubelet.conf.d). */
export const kubeletDropinPath = join('var-lib-rancher', 'rfo', 'agent', 'etc', 'kubelet.conf.d', '50-rfo-lab.conf');

/**
 * Lab nodes share one host disk with each other (and with builds): kubelet's
 * default thresholds are percentages of that disk (nodefs 10 %, imagefs 15 %),
 * so what the rest of the host uses put every node under DiskPressure and
 * evicted its pods (seen: 12 GiB free of 252 GiB). Absolute floors instead.
 */
export const labEvictionHard = { 'memory.available': '100Mi', 'nodefs.available': '1Gi', 'imagefs.available': '1Gi', 'nodefs.inodesFree': '5%' } as const;

/**
 * The node's kubelet drop-in: its own cgroup root, so the kubepods trees of
 * nodes sharing the host never meet. kubelet merges it over rfo's
 * 00-rfo-defaults.conf (--config-dir).
 */
export function renderKubeletDropin(node: LabNodePlan): string {
  return `${JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', cgroupRoot: node.cgroupRoot, cgroupsPerQOS: true, evictionHard: labEvictionHard }, null, 2)}\n`;
}
