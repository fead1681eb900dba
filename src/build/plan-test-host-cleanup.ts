// Pure: what the integration run removes from the CI host when it ends.
// kubelet and containerd write some host paths no flag moves (kubelet's
// /var/log/containers and device-plugins dir, libcni's cache /var/lib/cni that
// containerd has no setting for), and the single-node test nodes share the
// host's mount namespace on purpose (their tests check cleanup from outside).
// So the run lists these paths first and, at the end, removes only what it
// added to a path that was absent or empty. A path that had entries is left
// alone entirely: it is a live node's or the user's, and what appeared in it
// during the run may be theirs too. Nothing with a mount on or under it is
// touched (a node still running, or a leak the run should report, not hide).

/** Host paths rfo's components write outside the dirs a test sets. */
export const runtimeHostPaths: readonly string[] = ['/etc/rancher', '/var/lib/rancher', '/etc/cni', '/var/lib/cni', '/var/lib/cni/results', '/var/lib/kubelet', '/var/log/pods', '/var/log/containers'];

/** A path's entries (names), or null when it did not exist. */
export type HostPathListing = Readonly<Record<string, readonly string[] | null>>;

export interface HostCleanupPlan {
  /** Remove recursively, in this order. */
  readonly remove: readonly string[];
  /** Added by the run but left in place: a mount is on or under them. */
  readonly kept: readonly string[];
}

export function planTestHostCleanup(before: HostPathListing, after: HostPathListing, mountPoints: readonly string[]): HostCleanupPlan {
  const added: string[] = [];
  for (const [path, now] of Object.entries(after)) {
    if (now === null) continue;
    const was = before[path];
    if (was === undefined || (was !== null && was.length > 0)) continue; // not recorded, or in use before the run
    if (was === null) added.push(path);
    else for (const name of now) added.push(`${path}/${name}`);
  }
  // A path removed whole covers whatever was added under it.
  const roots = [...new Set(added)].sort().filter((p, _, all) => !all.some((q) => q !== p && p.startsWith(`${q}/`)));
  const mounted = (p: string) => mountPoints.some((m) => m === p || m.startsWith(`${p}/`));
  return { remove: roots.filter((p) => !mounted(p)), kept: roots.filter(mounted) };
}
