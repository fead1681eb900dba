// The tar header layout shared by tar-writer.ts and tar-reader.ts: field
// offsets, numeric encodings and the header checksum. Keeping them in one
// place means the writer and the reader cannot disagree about the format.

export const tarBlock = 512;

/** Byte offsets and widths of the ustar header fields (POSIX.1-1988 + ustar). */
export const field = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const;

export type FieldName = keyof typeof field;

/**
 * Zero-padded octal with a terminating NUL, or undefined when the value does
 * not fit the field (the writer then moves it to a PAX record).
 */
export function encodeOctal(value: number, width: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  const digits = value.toString(8);
  return digits.length > width - 1 ? undefined : `${digits.padStart(width - 1, '0')}\0`;
}

/**
 * A numeric header field: octal text (NUL/space padded) or the GNU base-256
 * form (high bit of the first byte set). Undefined when it is neither.
 */
export function decodeNumber(header: Uint8Array, [offset, width]: readonly [number, number]): number | undefined {
  const first = header[offset] ?? 0;
  if (first & 0x80) {
    if (first === 0xff) return undefined; // negative base-256 values never make sense here
    let value = first & 0x7f;
    for (let i = 1; i < width; i++) value = value * 256 + (header[offset + i] ?? 0);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  const text = Buffer.from(header.buffer, header.byteOffset + offset, width).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

/** A NUL-terminated (or full-width) string field. */
export function decodeString(header: Uint8Array, [offset, width]: readonly [number, number]): string {
  const raw = Buffer.from(header.buffer, header.byteOffset + offset, width);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

/**
 * The header checksum: the sum of all header bytes with the checksum field
 * itself counted as spaces. Some old writers summed signed bytes, so readers
 * accept either.
 */
export function headerChecksums(header: Uint8Array): { readonly unsigned: number; readonly signed: number } {
  const [start, width] = field.checksum;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < tarBlock; i++) {
    const byte = i >= start && i < start + width ? 0x20 : (header[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return { unsigned, signed };
}

/** Bytes needed after `size` bytes of data to reach the next block boundary. */
export function paddingFor(size: number): number {
  const rest = size % tarBlock;
  return rest === 0 ? 0 : tarBlock - rest;
}
