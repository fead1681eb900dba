// A newc ("070701") cpio archive, the format the Linux kernel unpacks as an
// initramfs. Debian's base system has no cpio; this is the whole format.

export type CpioEntry =
  | { readonly type: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly type: 'file'; readonly path: string; readonly content: Buffer; readonly mode?: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

const pad4 = (n: number) => (4 - (n % 4)) % 4;
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function record(ino: number, mode: number, name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`);
  return Buffer.concat([header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)), data, Buffer.alloc(pad4(data.length))]);
}

export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.map((e, i) => {
    const name = e.path.replace(/^\/+/, '');
    if (e.type === 'dir') return record(i + 1, 0o040000 | (e.mode ?? 0o755), name, Buffer.alloc(0));
    if (e.type === 'symlink') return record(i + 1, 0o120000 | 0o777, name, Buffer.from(e.target));
    return record(i + 1, 0o100000 | (e.mode ?? 0o644), name, e.content);
  });
  return Buffer.concat([...parts, record(0, 0, 'TRAILER!!!', Buffer.alloc(0))]);
}
