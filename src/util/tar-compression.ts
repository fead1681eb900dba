// Compression for tar archives: zstd for the airgap bundle (*.tar.zst),
// gzip for base root file systems (docker export | gzip), none for image
// archives that ctr imports directly. Readers detect the format by its magic
// bytes, so callers never have to trust a file name's suffix.
//
// Output is deterministic for a given Node (zlib, libzstd) version: fixed
// levels, no timestamps (gzip's mtime field is 0), no multithreading.

import { constants, gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { RfoError } from '../errors.ts';

export type Compression = 'none' | 'gzip' | 'zstd';

export interface CompressOptions {
  /** zstd 1..19 (default 10), gzip 1..9 (default 9). */
  readonly level?: number;
}

const gzipMagic = [0x1f, 0x8b];
const zstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(data: Uint8Array, magic: readonly number[]): boolean {
  return data.length >= magic.length && magic.every((byte, i) => data[i] === byte);
}

export function detectCompression(data: Uint8Array): Compression {
  if (startsWith(data, gzipMagic)) return 'gzip';
  if (startsWith(data, zstdMagic)) return 'zstd';
  return 'none';
}

export function compressArchive(data: Uint8Array, compression: Compression, options: CompressOptions = {}): Buffer {
  if (compression === 'gzip') return gzipSync(data, { level: options.level ?? 9 });
  if (compression === 'zstd') {
    return zstdCompressSync(data, {
      pledgedSrcSize: data.length,
      params: {
        [constants.ZSTD_c_compressionLevel]: options.level ?? 10,
        // A frame checksum: a corrupted bundle fails to decompress instead of yielding bad bytes.
        [constants.ZSTD_c_checksumFlag]: 1,
      },
    });
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Undo gzip or zstd if the magic bytes say so; plain data is returned as is (no copy). */
export function decompressArchive(data: Uint8Array, what = 'archive'): Buffer {
  const compression = detectCompression(data);
  try {
    if (compression === 'gzip') return gunzipSync(data);
    if (compression === 'zstd') return zstdDecompressSync(data);
  } catch (cause) {
    throw new RfoError('RFO_IMAGE_INVALID', `${what}: ${compression} data is corrupt or truncated`, {
      hint: 'the file was cut short or damaged; re-create or re-download it',
      cause,
    });
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
