// Pure: which of the host directories a lab created as mount points its
// `down` may remove. Removing a directory that is a mount point in another
// mount namespace succeeds on Linux (3.18+) and silently detaches those
// mounts: another lab's running nodes would then see the host's empty
// /var/lib/rancher instead of their own data dir (their etcd WAL, certs and
// add-on manifests "gone"). So a directory another namespace still mounts
// on stays; the lab that goes down last removes it.

/** The mount points of a /proc/<pid>/mountinfo (field 5; the kernel escapes space, tab, newline and backslash in octal). */
export function parseMountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** The created mount points no other mount namespace uses, deepest first (rmdir needs them empty). */
export function removableMountPoints(created: readonly string[], mountedElsewhere: ReadonlySet<string>): string[] {
  const inUse = (dir: string) => [...mountedElsewhere].some((m) => m === dir || m.startsWith(`${dir}/`));
  return [...new Set(created)].filter((d) => !inUse(d)).sort((a, b) => b.length - a.length || a.localeCompare(b));
}
