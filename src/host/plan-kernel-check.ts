// Pure: does the kernel have what a network policy engine needs? Each need
// is a kernel option and the module that provides it; it is there when the
// build configuration says y or m, or the module is built in, installable or
// loaded. A configuration that says "not set" settles it (this project's CI
// kernel: CONFIG_NFT_QUEUE not set, so nftables' queue verdict is refused).

export interface KernelFeatures {
  readonly release: string;
  /** The kernel's build configuration (CONFIG_X=y lines), when the host exposes it. */
  readonly config?: string;
  /** Module names built in or installable (modules.builtin, modules.dep), when present. */
  readonly modules?: readonly string[];
  /** Loaded modules (/proc/modules). */
  readonly loaded: readonly string[];
}

export interface KernelNeed {
  readonly option: string;
  readonly module: string;
  /** What the engine does with it. */
  readonly why: string;
}

export type NetworkPolicyEngine = 'kube-router' | 'kube-network-policies';

export const engineNeeds: Readonly<Record<NetworkPolicyEngine, readonly KernelNeed[]>> = {
  // kube-router's netpol controller: iptables filter chains matching ipsets of pod IPs.
  'kube-router': [
    { option: 'CONFIG_IP_SET', module: 'ip_set', why: 'ipsets of the pods a policy selects' },
    { option: 'CONFIG_IP_SET_HASH_IP', module: 'ip_set_hash_ip', why: 'hash:ip sets (pod IPs)' },
    { option: 'CONFIG_IP_SET_HASH_NET', module: 'ip_set_hash_net', why: 'hash:net sets (ipBlock CIDRs)' },
    { option: 'CONFIG_NETFILTER_XT_SET', module: 'xt_set', why: 'iptables -m set' },
    { option: 'CONFIG_NETFILTER_XT_MATCH_COMMENT', module: 'xt_comment', why: 'iptables -m comment' },
    { option: 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK', module: 'xt_conntrack', why: 'accepting established flows' },
    { option: 'CONFIG_NETFILTER_XT_MARK', module: 'xt_mark', why: 'marking allowed packets' },
    { option: 'CONFIG_NETFILTER_XT_TARGET_NFLOG', module: 'xt_NFLOG', why: 'logging dropped packets' },
  ],
  // sigs.k8s.io/kube-network-policies: nftables rules that queue packets to userspace.
  'kube-network-policies': [
    { option: 'CONFIG_NFT_QUEUE', module: 'nft_queue', why: "nftables' queue verdict" },
    { option: 'CONFIG_NETFILTER_NETLINK_QUEUE', module: 'nfnetlink_queue', why: 'the userspace queue' },
    { option: 'CONFIG_NFT_CT', module: 'nft_ct', why: 'conntrack labels of accepted flows' },
  ],
};

export interface KernelCheck {
  readonly missing: readonly KernelNeed[];
  /** Needs nothing on the host could confirm or deny (no config, no module lists). */
  readonly unknown: readonly KernelNeed[];
}

function configValue(config: string, option: string): string | undefined {
  for (const line of config.split('\n')) {
    if (line.startsWith(`${option}=`)) return line.slice(option.length + 1).trim();
    if (line.trim() === `# ${option} is not set`) return 'n';
  }
  return undefined;
}

export function checkKernel(engine: NetworkPolicyEngine, k: KernelFeatures): KernelCheck {
  const missing: KernelNeed[] = [];
  const unknown: KernelNeed[] = [];
  const modules = new Set(k.modules ?? []);
  const loaded = new Set(k.loaded);
  for (const need of engineNeeds[engine]) {
    if (loaded.has(need.module) || modules.has(need.module)) continue;
    const v = k.config !== undefined ? configValue(k.config, need.option) : undefined;
    if (v === 'y' || v === 'm') continue;
    if (v === 'n' || (k.config !== undefined && k.modules !== undefined)) missing.push(need);
    else unknown.push(need);
  }
  return { missing, unknown };
}

/** The error text for what is missing, naming options and modules. */
export function describeMissing(engine: NetworkPolicyEngine, release: string, missing: readonly KernelNeed[]): string {
  return `network-policy: ${engine} needs kernel support that kernel ${release} lacks: ${missing.map((m) => `${m.option} (module ${m.module}: ${m.why})`).join(', ')}`;
}
