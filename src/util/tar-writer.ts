// A deterministic tar writer (POSIX ustar + PAX extended headers). Image
// layers and archives must be byte-identical across builds, so every field
// that varies on a build machine (mtime, owner names, entry order) is fixed
// by the caller's data, never read from the file system.

export type TarEntry =
  | { readonly type: 'file'; readonly path: string; readonly content: Uint8Array; readonly mode?: number; readonly xattrs?: Readonly<Record<string, Uint8Array>> }
  | { readonly type: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string }
  | { readonly type: 'hardlink'; readonly path: string; readonly target: string };

export interface TarOptions {
  /** Seconds since the epoch for every entry (default 0). */
  readonly mtime?: number;
  readonly uid?: number;
  readonly gid?: number;
}

const block = 512;

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function writeString(buf: Buffer, offset: number, width: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  bytes.copy(buf, offset, 0, Math.min(bytes.length, width));
}

function fits(value: string, width: number): boolean {
  return Buffer.byteLength(value, 'utf8') <= width && !/[^\x20-\x7e]/.test(value);
}

interface HeaderFields {
  readonly name: string;
  readonly mode: number;
  readonly size: number;
  readonly typeflag: string;
  readonly linkname: string;
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
}

function header(f: HeaderFields): Buffer {
  const h = Buffer.alloc(block);
  writeString(h, 0, 100, f.name);
  writeString(h, 100, 8, octal(f.mode & 0o7777, 8));
  writeString(h, 108, 8, octal(f.uid, 8));
  writeString(h, 116, 8, octal(f.gid, 8));
  writeString(h, 124, 12, octal(f.size, 12));
  writeString(h, 136, 12, octal(f.mtime, 12));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, f.typeflag);
  writeString(h, 157, 100, f.linkname);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 329, 8, octal(0, 8));
  writeString(h, 337, 8, octal(0, 8));
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function padding(size: number): Buffer {
  const rest = size % block;
  return Buffer.alloc(rest === 0 ? 0 : block - rest);
}

/** One PAX record: "<len> <key>=<value>\n", where <len> counts the whole record. */
export function paxRecord(key: string, value: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function entryParts(entry: TarEntry, opts: Required<TarOptions>): Buffer[] {
  const isDir = entry.type === 'dir';
  const name = isDir && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const linkname = entry.type === 'symlink' || entry.type === 'hardlink' ? entry.target : '';
  const content = entry.type === 'file' ? Buffer.from(entry.content) : Buffer.alloc(0);
  const pax: Buffer[] = [];
  if (!fits(name, 100)) pax.push(paxRecord('path', Buffer.from(name, 'utf8')));
  if (!fits(linkname, 100)) pax.push(paxRecord('linkpath', Buffer.from(linkname, 'utf8')));
  if (entry.type === 'file' && entry.xattrs) {
    for (const key of Object.keys(entry.xattrs).sort()) pax.push(paxRecord(`SCHILY.xattr.${key}`, entry.xattrs[key] ?? new Uint8Array()));
  }
  const parts: Buffer[] = [];
  const base = { mtime: opts.mtime, uid: opts.uid, gid: opts.gid };
  if (pax.length > 0) {
    const data = Buffer.concat(pax);
    const paxName = `PaxHeaders/${name.replace(/\/$/, '').split('/').pop() ?? 'entry'}`.slice(0, 99);
    parts.push(header({ ...base, name: paxName, mode: 0o644, size: data.length, typeflag: 'x', linkname: '' }), data, padding(data.length));
  }
  const typeflag = { file: '0', dir: '5', symlink: '2', hardlink: '1' }[entry.type];
  const mode = entry.type === 'symlink' ? 0o777 : entry.type === 'hardlink' ? 0o644 : (entry.mode ?? (isDir ? 0o755 : 0o644));
  parts.push(
    header({ ...base, name: fits(name, 100) ? name : name.slice(0, 100), mode, size: content.length, typeflag, linkname: fits(linkname, 100) ? linkname : linkname.slice(0, 100) }),
    content,
    padding(content.length),
  );
  return parts;
}

/** Serialize entries in the given order; the archive ends with two zero blocks. */
export function writeTar(entries: readonly TarEntry[], options: TarOptions = {}): Buffer {
  const opts = { mtime: options.mtime ?? 0, uid: options.uid ?? 0, gid: options.gid ?? 0 };
  const parts: Buffer[] = [];
  for (const entry of entries) parts.push(...entryParts(entry, opts));
  parts.push(Buffer.alloc(block * 2));
  return Buffer.concat(parts);
}
