// A strict tar reader (ustar, PAX and GNU long names). It reads base root
// file systems given to the image builder and checks our own archives; a bad
// checksum or a truncated entry is an error, never a silently short file.

import { gunzipSync } from 'node:zlib';
import { RfoError } from '../errors.ts';

export interface TarReadEntry {
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  readonly mode: number;
  readonly size: number;
  readonly linkname: string;
  readonly content: Buffer;
  readonly xattrs: Readonly<Record<string, Buffer>>;
}

const block = 512;

function invalid(what: string, detail: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `${what}: ${detail}`, { hint: 'the archive is corrupt or truncated; rebuild or re-download it' });
}

function str(buf: Buffer, offset: number, width: number): string {
  const raw = buf.subarray(offset, offset + width);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function num(buf: Buffer, offset: number, width: number): number {
  const text = str(buf, offset, width).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString(), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw invalid('tar', 'malformed PAX header');
    const record = data.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) out.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos += len;
  }
  return out;
}

/** gunzip when the bytes start with the gzip magic, else return them as they are. */
export function maybeGunzip(data: Buffer): Buffer {
  return data.length > 2 && data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
}

export function readTar(input: Buffer, what = 'tar archive'): TarReadEntry[] {
  const data = maybeGunzip(input);
  const entries: TarReadEntry[] = [];
  let pos = 0;
  let pax = new Map<string, Buffer>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let sawEnd = false;
  while (pos + block <= data.length) {
    const h = data.subarray(pos, pos + block);
    if (h.every((b) => b === 0)) {
      sawEnd = true;
      break;
    }
    let sum = 0;
    for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    if (sum !== num(h, 148, 8)) throw invalid(what, `bad header checksum at offset ${pos}`);
    const size = num(h, 124, 12);
    const typeflag = String.fromCharCode(h[156] ?? 0x30);
    const start = pos + block;
    if (start + size > data.length) throw invalid(what, `entry at offset ${pos} is truncated`);
    const content = Buffer.from(data.subarray(start, start + size));
    pos = start + Math.ceil(size / block) * block;
    if (typeflag === 'x') {
      pax = parsePax(content);
      continue;
    }
    if (typeflag === 'g') continue;
    if (typeflag === 'L') {
      longName = content.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (typeflag === 'K') {
      longLink = content.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = str(h, 345, 155);
    const ustarName = prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100);
    const xattrs: Record<string, Buffer> = {};
    for (const [k, v] of pax) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v;
    const type = ({ '0': 'file', '\0': 'file', '7': 'file', '5': 'dir', '2': 'symlink', '1': 'hardlink' } as const)[typeflag as '0'] ?? 'other';
    entries.push({
      path: pax.get('path')?.toString('utf8') ?? longName ?? ustarName,
      type,
      mode: num(h, 100, 8),
      size,
      linkname: pax.get('linkpath')?.toString('utf8') ?? longLink ?? str(h, 157, 100),
      content,
      xattrs,
    });
    pax = new Map();
    longName = undefined;
    longLink = undefined;
  }
  if (!sawEnd) throw invalid(what, 'missing end-of-archive marker (truncated)');
  return entries;
}
