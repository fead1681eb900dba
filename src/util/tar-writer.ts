// A deterministic tar writer (POSIX ustar + PAX extended headers). Image
// layers and archives must be byte-identical across builds, so every field
// that varies on a build machine (mtime, owners, user/group names, entry
// order) comes from the caller's data, never from the file system.
//
// PAX records are written only when needed: names or link names that are
// longer than 100 bytes or not plain ASCII, numbers too large for their
// octal field, and extended attributes (SCHILY.xattr.<name>, binary values
// allowed), which is how GNU tar, Go's archive/tar and containerd carry
// e.g. security.capability.

import { RfoError } from '../errors.ts';
import { encodeOctal, field, paddingFor, tarBlock, headerChecksums } from './tar-format.ts';
import type { FieldName } from './tar-format.ts';

interface EntryCommon {
  /** Path inside the archive, e.g. "usr/bin/pause"; directories get a trailing "/" added. */
  readonly path: string;
  /** Permission bits (0..0o7777); defaults: file 0o644, dir 0o755, symlink 0o777, hardlink 0o644. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Extended attributes, e.g. { 'security.capability': <vfs_cap_data> }. */
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
}

export type TarEntry =
  | (EntryCommon & { readonly type: 'file'; readonly content: Uint8Array })
  | (EntryCommon & { readonly type: 'dir' })
  | (EntryCommon & { readonly type: 'symlink'; readonly target: string })
  | (EntryCommon & { readonly type: 'hardlink'; readonly target: string });

export interface TarWriteOptions {
  /** Seconds since the epoch for every entry (default 0). */
  readonly mtime?: number;
  /** Owner for entries that do not set their own (default 0). */
  readonly uid?: number;
  readonly gid?: number;
}

const typeflags = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;
const defaultModes = { file: 0o644, hardlink: 0o644, symlink: 0o777, dir: 0o755 } as const;

function invalid(message: string, hint: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `tar entry: ${message}`, { hint });
}

/** One PAX record: "<len> <key>=<value>\n", where <len> counts the whole record including itself. */
export function paxRecord(key: string, value: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function plainAscii(value: string, maxBytes: number): boolean {
  return value.length <= maxBytes && /^[\x20-\x7e]*$/.test(value);
}

/** A header-safe stand-in for a name that lives in a PAX record (readers that know PAX ignore it). */
function asciiFallback(value: string, maxBytes: number): string {
  return value.replace(/[^\x20-\x7e]/g, '_').slice(0, maxBytes);
}

function put(header: Buffer, name: FieldName, value: string): void {
  const [offset, width] = field[name];
  const bytes = Buffer.from(value, 'latin1');
  bytes.copy(header, offset, 0, Math.min(bytes.length, width));
}

interface HeaderFields {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeflag: string;
  readonly linkname: string;
}

type NumberKey = 'uid' | 'gid' | 'size' | 'mtime';

/** Encode a ustar header; numbers that do not fit are returned so a PAX record can carry them. */
function header(f: HeaderFields): { readonly block: Buffer; readonly overflow: readonly NumberKey[] } {
  const h = Buffer.alloc(tarBlock);
  const overflow: NumberKey[] = [];
  put(h, 'name', f.name);
  put(h, 'mode', encodeOctal(f.mode, 8) ?? '');
  for (const key of ['uid', 'gid', 'size', 'mtime'] as const) {
    const encoded = encodeOctal(f[key], field[key][1]);
    if (encoded === undefined) overflow.push(key);
    put(h, key, encoded ?? encodeOctal(0, field[key][1]) ?? '');
  }
  put(h, 'typeflag', f.typeflag);
  put(h, 'linkname', f.linkname);
  put(h, 'magic', 'ustar\0');
  put(h, 'version', '00');
  put(h, 'devmajor', encodeOctal(0, 8) ?? '');
  put(h, 'devminor', encodeOctal(0, 8) ?? '');
  h.fill(0x20, field.checksum[0], field.checksum[0] + field.checksum[1]);
  put(h, 'checksum', `${headerChecksums(h).unsigned.toString(8).padStart(6, '0')}\0 `);
  return { block: h, overflow };
}

function checkEntry(entry: TarEntry, mode: number, mtime: number, uid: number, gid: number): void {
  const hint = 'fix the entry that builds this archive (paths must be non-empty and free of NUL bytes)';
  if (entry.path === '' || entry.path.includes('\0')) throw invalid(`invalid path ${JSON.stringify(entry.path)}`, hint);
  if ((entry.type === 'symlink' || entry.type === 'hardlink') && (entry.target === '' || entry.target.includes('\0'))) {
    throw invalid(`${entry.path}: invalid link target ${JSON.stringify(entry.target)}`, hint);
  }
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw invalid(`${entry.path}: mode ${mode} is not a permission value (0..0o7777)`, 'pass permission bits only, e.g. 0o755');
  for (const [what, value] of [['mtime', mtime], ['uid', uid], ['gid', gid]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid(`${entry.path}: ${what} ${value} is not a non-negative integer`, `pass ${what} as a whole number`);
  }
  for (const key of Object.keys(entry.xattrs ?? {})) {
    if (key === '' || /[=\0\n]/.test(key)) throw invalid(`${entry.path}: invalid xattr name ${JSON.stringify(key)}`, 'xattr names look like "security.capability"');
  }
}

/** The blocks for one entry: an optional PAX header, the ustar header, the data and its padding. */
function entryBlocks(entry: TarEntry, opts: Required<TarWriteOptions>): Buffer[] {
  const mode = entry.mode ?? defaultModes[entry.type];
  const uid = entry.uid ?? opts.uid;
  const gid = entry.gid ?? opts.gid;
  checkEntry(entry, mode, opts.mtime, uid, gid);
  const name = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  const linkname = entry.type === 'symlink' || entry.type === 'hardlink' ? entry.target : '';
  const content = entry.type === 'file' ? entry.content : new Uint8Array(0);
  const { block, overflow } = header({
    name: plainAscii(name, 100) ? name : asciiFallback(name, 100),
    mode,
    uid,
    gid,
    size: content.length,
    mtime: opts.mtime,
    typeflag: typeflags[entry.type],
    linkname: plainAscii(linkname, 100) ? linkname : asciiFallback(linkname, 100),
  });
  const pax: Buffer[] = [];
  if (!plainAscii(name, 100)) pax.push(paxRecord('path', Buffer.from(name, 'utf8')));
  if (!plainAscii(linkname, 100)) pax.push(paxRecord('linkpath', Buffer.from(linkname, 'utf8')));
  const numbers = { uid, gid, size: content.length, mtime: opts.mtime };
  for (const key of overflow) pax.push(paxRecord(key, Buffer.from(String(numbers[key]))));
  const xattrs = entry.xattrs ?? {};
  for (const key of Object.keys(xattrs).sort()) pax.push(paxRecord(`SCHILY.xattr.${key}`, xattrs[key] ?? new Uint8Array(0)));

  const blocks: Buffer[] = [];
  if (pax.length > 0) {
    const data = Buffer.concat(pax);
    const base = name.replace(/\/$/, '').split('/').pop() ?? 'entry';
    const paxHeader = header({ name: asciiFallback(`PaxHeaders/${base}`, 100), mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: opts.mtime, typeflag: 'x', linkname: '' });
    blocks.push(paxHeader.block, data, Buffer.alloc(paddingFor(data.length)));
  }
  blocks.push(block, Buffer.from(content.buffer, content.byteOffset, content.byteLength), Buffer.alloc(paddingFor(content.length)));
  return blocks;
}

/**
 * The archive as a list of chunks (headers, data views, padding, the two
 * closing zero blocks), for callers that stream or hash without one big copy.
 * Entries are written in the order given.
 */
export function tarChunks(entries: Iterable<TarEntry>, options: TarWriteOptions = {}): Buffer[] {
  const opts = { mtime: options.mtime ?? 0, uid: options.uid ?? 0, gid: options.gid ?? 0 };
  const chunks: Buffer[] = [];
  for (const entry of entries) for (const chunk of entryBlocks(entry, opts)) if (chunk.length > 0) chunks.push(chunk);
  chunks.push(Buffer.alloc(tarBlock * 2));
  return chunks;
}

/** Serialize entries in the given order; the archive ends with two zero blocks. */
export function writeTar(entries: Iterable<TarEntry>, options: TarWriteOptions = {}): Buffer {
  return Buffer.concat(tarChunks(entries, options));
}
