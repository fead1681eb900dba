// Pure: which processes belong to a lab node. All nodes share the host's pid
// namespace, so a node is identified by its mount namespace (every process it
// starts inherits it), plus the tasks in its kubelet cgroup root, plus
// descendants of either (containers get mount namespaces of their own but
// stay children of the node's containerd shims).

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /** readlink /proc/<pid>/ns/mnt, e.g. "mnt:[4026532301]". */
  readonly mntNs: string;
  readonly cmdline: readonly string[];
}

export interface SweepInput {
  readonly processes: readonly ProcInfo[];
  /** Mount namespaces of the node(s) to stop. */
  readonly mntNs: ReadonlySet<string>;
  /** Pids listed in the node's cgroup root (tasks files). */
  readonly cgroupPids: readonly number[];
  /** Never these (the caller, init). */
  readonly spare: readonly number[];
}

export function planSweep(i: SweepInput): number[] {
  const children = new Map<number, number[]>();
  for (const p of i.processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const spare = new Set([1, ...i.spare]);
  const doomed = new Set<number>();
  const add = (pid: number) => {
    if (doomed.has(pid) || spare.has(pid)) return;
    doomed.add(pid);
    for (const c of children.get(pid) ?? []) add(c);
  };
  for (const p of i.processes) if (i.mntNs.has(p.mntNs)) add(p.pid);
  for (const pid of i.cgroupPids) add(pid);
  return [...doomed].sort((a, b) => a - b);
}

/**
 * Mount namespaces of a lab found without its state file (a crashed `up`):
 * those of processes whose command line names the lab dir, other than the
 * host's own namespace.
 */
export function labNamespaces(processes: readonly ProcInfo[], labDir: string, hostMntNs: string): Set<string> {
  const inDir = (a: string) => a === labDir || a.startsWith(`${labDir}/`) || a.includes(`=${labDir}/`);
  return new Set(processes.filter((p) => p.mntNs !== hostMntNs && p.cmdline.some(inDir)).map((p) => p.mntNs));
}
