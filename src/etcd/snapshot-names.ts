// Pure: etcd snapshot file names as RKE2 writes them,
// `<name>-<node>-<unix seconds>[.zip]`, and the retention rule: after a
// successful save keep the newest N snapshots of this node and this name,
// never touching other nodes' or other names' files.

export interface SnapshotName {
  readonly file: string;
  readonly name: string;
  readonly node: string;
  readonly createdUnix: number;
  readonly compressed: boolean;
}

export function snapshotFileName(name: string, node: string, createdUnix: number, compressed: boolean): string {
  return `${name}-${node}-${createdUnix}${compressed ? '.zip' : ''}`;
}

/** Parse a file name for a known node; undefined when it is not one of this node's snapshots. */
export function parseSnapshotFileName(file: string, node: string): SnapshotName | undefined {
  const m = /^(.+)-(\d{9,})(\.zip)?$/.exec(file);
  if (!m?.[1] || !m[2]) return undefined;
  const suffix = `-${node}`;
  if (!m[1].endsWith(suffix) || m[1].length === suffix.length) return undefined;
  return { file, name: m[1].slice(0, -suffix.length), node, createdUnix: Number(m[2]), compressed: m[3] === '.zip' };
}

/** Files to delete so that at most `retention` snapshots of (name, node) remain, oldest first. */
export function planRetention(files: readonly string[], name: string, node: string, retention: number): string[] {
  if (retention < 1) return [];
  const ours = files
    .map((f) => parseSnapshotFileName(f, node))
    .filter((s): s is SnapshotName => s !== undefined && s.name === name)
    .sort((a, b) => b.createdUnix - a.createdUnix || a.file.localeCompare(b.file));
  return ours
    .slice(retention)
    .map((s) => s.file)
    .reverse();
}
