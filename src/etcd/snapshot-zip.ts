// Compressed snapshots are zip archives holding the one db file, as RKE2
// writes them (`<name>.zip` containing `<name>`). Streaming deflate with a data
// descriptor, so a large database never sits in memory; reading checks the
// CRC-32 and size. Single entry, no ZIP64: archives up to 4 GiB.

import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw, createInflateRaw } from 'node:zlib';

const max32 = 0xffffffff;

function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Counts bytes and the CRC-32 of what passes through. */
function meter(): Transform & { crc: number; bytes: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.crc = crc32(chunk, t.crc);
      t.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { crc: number; bytes: number };
  t.crc = 0;
  t.bytes = 0;
  return t;
}

export async function zipFile(source: string, target: string, entryName: string, mtime = new Date()): Promise<void> {
  const name = Buffer.from(entryName, 'utf8');
  const { time, date } = dosTime(mtime);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x0808, 6); // data descriptor follows; UTF-8 name
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt16LE(name.length, 26);
  const fh = await open(target, 'w', 0o600);
  try {
    await fh.write(Buffer.concat([local, name]), 0, local.length + name.length, 0);
    const headerLen = local.length + name.length;
    const plain = meter();
    const packed = meter();
    let pos = headerLen;
    // Writes through the open handle (a WriteStream on a borrowed fd never signals completion to pipeline).
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        fh.write(chunk, 0, chunk.length, pos).then(() => {
          pos += chunk.length;
          done();
        }, done);
      },
    });
    await pipeline(createReadStream(source), plain, createDeflateRaw({ level: 6 }), packed, sink);
    if (plain.bytes > max32 || packed.bytes > max32) throw new Error(`${source} is larger than 4 GiB; store it uncompressed`);
    const crc = plain.crc >>> 0;
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc, 4);
    descriptor.writeUInt32LE(packed.bytes, 8);
    descriptor.writeUInt32LE(plain.bytes, 12);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0808, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.bytes, 20);
    central.writeUInt32LE(plain.bytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100600 << 16) >>> 0, 38);
    central.writeUInt32LE(0, 42);
    const cdOffset = headerLen + packed.bytes + descriptor.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    const tail = Buffer.concat([descriptor, central, name, end]);
    await fh.write(tail, 0, tail.length, headerLen + packed.bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Extract the archive's single entry to `target`; throws on a damaged archive. */
export async function unzipFile(source: string, target: string): Promise<void> {
  const fh = await open(source, 'r');
  let entry: { method: number; crc: number; csize: number; usize: number; dataStart: number };
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 22 + 65535);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${source} is not a zip archive (or it is truncated)`);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(46);
    await fh.read(cd, 0, 46, cdOffset);
    if (cd.readUInt32LE(0) !== 0x02014b50) throw new Error(`${source}: damaged zip central directory`);
    const localOffset = cd.readUInt32LE(42);
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${source}: damaged zip entry header`);
    entry = {
      method: cd.readUInt16LE(10),
      crc: cd.readUInt32LE(16),
      csize: cd.readUInt32LE(20),
      usize: cd.readUInt32LE(24),
      dataStart: localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28),
    };
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${source}: zip method ${entry.method} is not supported (stored or deflate only)`);
    if (entry.dataStart + entry.csize > size) throw new Error(`${source} is truncated`);
  } finally {
    await fh.close();
  }
  const plain = meter();
  const input = createReadStream(source, { start: entry.dataStart, end: entry.dataStart + entry.csize - 1 });
  if (entry.csize === 0) await pipeline(input, plain, createWriteStream(target, { mode: 0o600 }));
  else if (entry.method === 8) await pipeline(input, createInflateRaw(), plain, createWriteStream(target, { mode: 0o600 }));
  else await pipeline(input, plain, createWriteStream(target, { mode: 0o600 }));
  if (plain.bytes !== entry.usize || plain.crc >>> 0 !== entry.crc) throw new Error(`${source}: CRC or size mismatch; the archive is damaged`);
}
