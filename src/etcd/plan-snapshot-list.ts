// Pure: the rows `rfo etcd-snapshot list` prints and the ETCDSnapshotFile
// objects show, merged from the files on disk, the objects in S3 and the
// save records (which also remember failed uploads).

export type Storage = 'local' | 's3';

/** What rfo records about one snapshot in one place (disk or S3). */
export interface SnapshotRecord {
  /** File name: <name>-<node>-<unix>[.zip]. */
  readonly file: string;
  readonly name: string;
  readonly node: string;
  readonly storage: Storage;
  /** file:///abs/path or s3://bucket/key. */
  readonly location: string;
  readonly size: number;
  readonly sha256: string;
  readonly compressed: boolean;
  readonly createdAt: string;
  readonly status: 'ok' | 'failed';
  readonly message?: string;
  readonly etcdVersion?: string;
}

export interface Row {
  readonly file: string;
  readonly storage: Storage;
  readonly location: string;
  readonly size: number;
  readonly createdAt: string;
  readonly status: 'ok' | 'failed';
  readonly message?: string;
  readonly node: string;
  readonly sha256?: string;
  readonly compressed: boolean;
}

export interface Found {
  readonly file: string;
  readonly location: string;
  readonly size: number;
  /** ISO time from the file name, else the file/object time. */
  readonly createdAt: string;
}

/** File names that are finished snapshots: hidden temp files and other files are not. */
export function isSnapshotFile(file: string): boolean {
  return !file.startsWith('.') && /^.+-\d{9,}(\.zip)?$/.test(file);
}

export function createdFromName(file: string): string | undefined {
  const m = /-(\d{9,})(\.zip)?$/.exec(file);
  return m?.[1] ? new Date(Number(m[1]) * 1000).toISOString() : undefined;
}

/** Rows, oldest first: every found file, plus recorded failures that have no file. */
export function planRows(local: readonly Found[], s3: readonly Found[], records: readonly SnapshotRecord[], defaultNode: string): Row[] {
  const rec = (storage: Storage, file: string) => records.find((r) => r.storage === storage && r.file === file);
  const rows: Row[] = [];
  for (const [storage, found] of [['local', local], ['s3', s3]] as const) {
    for (const f of found) {
      const r = rec(storage, f.file);
      rows.push({
        file: f.file,
        storage,
        location: f.location,
        size: f.size,
        createdAt: createdFromName(f.file) ?? f.createdAt,
        status: 'ok',
        node: r?.node ?? defaultNode,
        ...(r?.sha256 ? { sha256: r.sha256 } : {}),
        compressed: f.file.endsWith('.zip'),
      });
    }
  }
  for (const r of records) {
    if (r.status !== 'failed') continue;
    if (rows.some((x) => x.storage === r.storage && x.file === r.file)) continue;
    rows.push({ file: r.file, storage: r.storage, location: r.location, size: r.size, createdAt: r.createdAt, status: 'failed', ...(r.message ? { message: r.message } : {}), node: r.node, compressed: r.compressed });
  }
  return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.file.localeCompare(b.file) || a.storage.localeCompare(b.storage));
}

export function renderTable(rows: readonly Row[]): string {
  const head = ['Name', 'Location', 'Size', 'Created', 'Status'];
  const body = rows.map((r) => [r.file, r.location, String(r.size), r.createdAt, r.status === 'ok' ? 'ok' : `failed: ${r.message ?? ''}`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join(' ').trimEnd();
  return `${[line(head), ...body.map(line)].join('\n')}\n`;
}
