// Pure: what `rfo killall` must remove, decided from snapshots of the
// process table, the mount table, the network links and the iptables rules.
// The data dir is never on the list: killall stops things, it deletes no state.

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly cmdline: readonly string[];
  /**
   * The value of RFO_MANAGED in its environment: the run dir of the rfo that
   * started it (its children and their shims), so several rfo instances on one
   * host (the lab, parallel tests) never stop each other's processes.
   */
  readonly marker?: string;
}

export interface KillallInput {
  readonly processes: readonly ProcessInfo[];
  readonly selfPid: number;
  /** This instance: its run dir, the RFO_MANAGED value of what it started. */
  readonly instance: string;
  /** The pid recorded in <run-dir>/rfo.pid by the rfo server/agent of this instance. */
  readonly supervisorPid?: number;
  /** Mount points, as in /proc/mounts. */
  readonly mounts: readonly string[];
  /** Directories whose mounts belong to rfo (data dir, kubelet dir, run dir). */
  readonly ownedDirs: readonly string[];
  readonly links: readonly { readonly name: string; readonly master?: string }[];
}

export interface KillallPlan {
  /** rfo server/agent processes: asked to stop first (they stop their children). */
  readonly supervisors: readonly number[];
  /** Everything else rfo started, containers included (descendants of shims). */
  readonly processes: readonly number[];
  /** Deepest first, so nested mounts come off before their parents. */
  readonly unmounts: readonly string[];
  readonly links: readonly string[];
}

/** The rfo entry: bin/rfo, or node running the sources (.ts) or their compiled copy (dist/js, .js). */
const rfoEntry = /(^|\/)(rfo|src\/cli\/main\.[jt]s)$/;

export const isRfoCommand = (cmd: readonly string[]): boolean => cmd.some((a, i) => rfoEntry.test(a) && ['server', 'agent'].includes(cmd[i + 1] ?? ''));

export function planKillall(input: KillallInput): KillallPlan {
  const supervisors = input.processes.filter((p) => p.pid !== input.selfPid && p.pid === input.supervisorPid && isRfoCommand(p.cmdline)).map((p) => p.pid);
  const children = new Map<number, number[]>();
  for (const p of input.processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const doomed = new Set<number>();
  const addTree = (pid: number) => {
    if (doomed.has(pid) || pid === input.selfPid) return;
    doomed.add(pid);
    for (const c of children.get(pid) ?? []) addTree(c);
  };
  for (const p of input.processes) if (p.marker === input.instance && p.pid !== input.selfPid) addTree(p.pid);
  for (const s of supervisors) doomed.delete(s);
  // Pod network namespaces live under the run dir (containerd's
  // netns_mounts_under_state_dir), so they are covered by the owned dirs.
  const owned = (m: string) => input.ownedDirs.some((d) => m === d || m.startsWith(`${d}/`));
  const unmounts = [...new Set(input.mounts.filter(owned))].sort((a, b) => b.split('/').length - a.split('/').length || b.localeCompare(a));
  const links = input.links.filter((l) => l.name === 'cni0' || l.name === 'flannel.1' || l.master === 'cni0').map((l) => l.name);
  return { supervisors, processes: [...doomed].sort((a, b) => a - b), unmounts, links };
}

/** iptables-save output without the rules and chains kube-proxy, flannel and the CNI plugins add. */
export function filterIptablesSave(text: string): string {
  const ours = /KUBE-|CNI-|FLANNEL|flanneld|cni0|rfo/;
  return text
    .split('\n')
    .filter((line) => !ours.test(line))
    .join('\n');
}

/**
 * The ipsets kube-router's policy controller (rfo-network-policy) made:
 * KUBE-SRC-*, KUBE-DST-* (IPv6 ones with its "inet6:" prefix). Destroyed
 * after the iptables rules that reference them are gone.
 */
export function kubeRouterIpsets(names: readonly string[]): string[] {
  return names.filter((n) => /^(inet6:)?KUBE-(SRC|DST)-/.test(n));
}
