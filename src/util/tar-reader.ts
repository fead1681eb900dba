// A strict, minimal tar reader: ustar, PAX extended headers (path, linkpath,
// size, uid, gid, mtime, SCHILY.xattr.*) and GNU long names ('L'/'K'). It
// reads base root file systems given to the image builder (`docker export`
// output, possibly gzip- or zstd-compressed) and checks our own archives.
// A bad checksum or a truncated entry is an error, never a silently short file.

import { RfoError } from '../errors.ts';
import { decompressArchive } from './tar-compression.ts';
import { decodeNumber, decodeString, field, headerChecksums, paddingFor, tarBlock } from './tar-format.ts';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarReadEntry {
  /** The name as stored (directories usually end in "/"). */
  readonly name: string;
  readonly type: TarEntryType;
  /** The raw typeflag, for entries of type 'other' (e.g. GNU sparse 'S'). */
  readonly typeflag: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: number;
  readonly size: number;
  readonly linkname: string;
  /** The entry's data: a view into the (decompressed) input, not a copy. */
  readonly content: Buffer;
  readonly xattrs: Readonly<Record<string, Buffer>>;
}

const types: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** Types whose size field never describes data that follows (as in Go's archive/tar). */
const headerOnly = new Set<TarEntryType>(['hardlink', 'symlink', 'char', 'block', 'dir', 'fifo']);

function invalid(what: string, detail: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `${what}: ${detail}`, { hint: 'the archive is corrupt or truncated; re-create or re-download it' });
}

function parsePax(data: Buffer, what: string, offset: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const space = data.indexOf(0x20, pos);
    const len = space < 0 ? NaN : Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw invalid(what, `malformed PAX header at offset ${offset}`);
    }
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw invalid(what, `malformed PAX record at offset ${offset}`);
    out.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1));
    pos += len;
  }
  return out;
}

function paxNumber(pax: Map<string, Buffer>, key: string, what: string): number | undefined {
  const raw = pax.get(key)?.toString('latin1');
  if (raw === undefined) return undefined;
  // mtime may carry a fraction ("1700000000.5"); whole seconds are enough here.
  const value = Number(raw.split('.')[0]);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isSafeInteger(value)) throw invalid(what, `PAX ${key} ${JSON.stringify(raw)} is not a number`);
  return value;
}

function headerNumber(h: Buffer, name: 'mode' | 'uid' | 'gid' | 'size' | 'mtime', what: string, offset: number): number {
  const value = decodeNumber(h, field[name]);
  if (value === undefined) throw invalid(what, `corrupt ${name} field in the header at offset ${offset}`);
  return value;
}

function stripNul(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.subarray(0, nul < 0 ? data.length : nul).toString('utf8');
}

/**
 * Iterate the entries of a tar archive (plain, gzip or zstd). Throws
 * RFO_IMAGE_INVALID on a bad header checksum, a truncated entry or a missing
 * end-of-archive marker. `what` names the archive in error messages.
 */
export function* iterateTar(input: Uint8Array, what = 'tar archive'): Generator<TarReadEntry> {
  const data = decompressArchive(input, what);
  let pos = 0;
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    if (pos + tarBlock > data.length) throw invalid(what, pos === 0 ? 'empty, or not a tar archive' : `truncated at offset ${pos} (no end-of-archive marker)`);
    const h = data.subarray(pos, pos + tarBlock);
    if (h.every((b) => b === 0)) return; // end of archive (GNU tar also accepts a lone zero block)
    const stored = decodeNumber(h, field.checksum);
    const sums = headerChecksums(h);
    if (stored === undefined || (stored !== sums.unsigned && stored !== sums.signed)) {
      throw invalid(what, `bad header checksum at offset ${pos} (corrupt, or not a tar archive)`);
    }
    const typeflag = String.fromCharCode(h[field.typeflag[0]] ?? 0);
    const type = types[typeflag] ?? 'other';
    const size = paxNumber(pax, 'size', what) ?? headerNumber(h, 'size', what, pos);
    const dataSize = headerOnly.has(type) ? 0 : size;
    const start = pos + tarBlock;
    if (start + dataSize > data.length) throw invalid(what, `entry at offset ${pos} is truncated (${dataSize} bytes of data expected)`);
    const content = data.subarray(start, start + dataSize);
    const headerAt = pos;
    pos = start + dataSize + paddingFor(dataSize);

    if (typeflag === 'x') {
      pax = parsePax(content, what, headerAt);
      continue;
    }
    if (typeflag === 'g') continue; // global PAX defaults: none that matter for our use
    if (typeflag === 'L') {
      longName = stripNul(content);
      continue;
    }
    if (typeflag === 'K') {
      longLink = stripNul(content);
      continue;
    }
    // Only POSIX ustar has a name prefix; old GNU headers keep atime/ctime there.
    const posix = decodeString(h, field.magic) === 'ustar';
    const prefix = posix ? decodeString(h, field.prefix) : '';
    const shortName = decodeString(h, field.name);
    const xattrs: Record<string, Buffer> = {};
    for (const [key, value] of pax) if (key.startsWith('SCHILY.xattr.')) xattrs[key.slice('SCHILY.xattr.'.length)] = value;
    yield {
      name: pax.get('path')?.toString('utf8') ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName),
      type,
      typeflag,
      mode: headerNumber(h, 'mode', what, headerAt) & 0o7777,
      uid: paxNumber(pax, 'uid', what) ?? headerNumber(h, 'uid', what, headerAt),
      gid: paxNumber(pax, 'gid', what) ?? headerNumber(h, 'gid', what, headerAt),
      mtime: paxNumber(pax, 'mtime', what) ?? headerNumber(h, 'mtime', what, headerAt),
      size: dataSize,
      linkname: pax.get('linkpath')?.toString('utf8') ?? longLink ?? decodeString(h, field.linkname),
      content,
      xattrs,
    };
    pax = new Map();
    longName = undefined;
    longLink = undefined;
  }
}

/**
 * Kept for callers that prepare a base layer themselves: gzip and zstd
 * input is decompressed (detected by magic bytes), plain tar returned as is.
 */
export function maybeGunzip(data: Uint8Array): Buffer {
  return decompressArchive(data);
}

/** All entries at once; see iterateTar. */
export function readTar(input: Uint8Array, what = 'tar archive'): TarReadEntry[] {
  return [...iterateTar(input, what)];
}
