import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeTar } from './tar-writer.ts';
import type { TarEntry } from './tar-writer.ts';
import { readTar } from './tar-reader.ts';
import { compressArchive } from './tar-compression.ts';
import { paxRecord } from './tar-writer.ts';
import { headerChecksums } from './tar-format.ts';

const long150 = `dir/${'a'.repeat(150)}.txt`;
const long300 = `${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(60)}.bin`;
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i)); // NUL, "\n", "=" and non-UTF-8 included
const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const entries: TarEntry[] = [
  { type: 'dir', path: 'dir', mode: 0o700 },
  { type: 'file', path: 'dir/hello', content: Buffer.from('hello\n'), mode: 0o755 },
  { type: 'file', path: 'dir/empty', content: Buffer.alloc(0) },
  { type: 'file', path: 'dir/block', content: Buffer.alloc(512, 9) },
  { type: 'file', path: long150, content: Buffer.from('long name') },
  { type: 'file', path: long300, content: Buffer.alloc(1000, 7), xattrs: { 'security.capability': cap, 'user.all-bytes': allBytes } },
  { type: 'file', path: 'dir/ünïcödé', content: Buffer.from('u') },
  { type: 'symlink', path: 'dir/link', target: 'hello' },
  { type: 'symlink', path: 'dir/longlink', target: long300 },
  { type: 'hardlink', path: 'dir/hard', target: 'dir/hello' },
];

test('writer → reader round trip: long names (>100, >255), modes, links, binary xattrs', () => {
  const back = readTar(writeTar(entries));
  assert.deepEqual(
    back.map((e) => [e.name, e.type]),
    [
      ['dir/', 'dir'],
      ['dir/hello', 'file'],
      ['dir/empty', 'file'],
      ['dir/block', 'file'],
      [long150, 'file'],
      [long300, 'file'],
      ['dir/ünïcödé', 'file'],
      ['dir/link', 'symlink'],
      ['dir/longlink', 'symlink'],
      ['dir/hard', 'hardlink'],
    ],
  );
  const byName = new Map(back.map((e) => [e.name, e]));
  assert.equal(byName.get('dir/')?.mode, 0o700);
  assert.equal(byName.get('dir/hello')?.mode, 0o755);
  assert.equal(byName.get('dir/hello')?.content.toString(), 'hello\n');
  assert.equal(byName.get('dir/empty')?.size, 0);
  assert.deepEqual(byName.get('dir/block')?.content, Buffer.alloc(512, 9));
  assert.equal(byName.get(long150)?.content.toString(), 'long name');
  assert.deepEqual(byName.get(long300)?.content, Buffer.alloc(1000, 7));
  assert.deepEqual(byName.get(long300)?.xattrs['security.capability'], cap);
  assert.deepEqual(byName.get(long300)?.xattrs['user.all-bytes'], allBytes);
  assert.deepEqual(byName.get('dir/hello')?.xattrs, {});
  assert.equal(byName.get('dir/link')?.linkname, 'hello');
  assert.equal(byName.get('dir/longlink')?.linkname, long300);
  assert.equal(byName.get('dir/hard')?.linkname, 'dir/hello');
});

test('gzip and zstd input is detected by magic bytes and read transparently', () => {
  const tar = writeTar(entries);
  assert.equal(readTar(gzipSync(tar)).length, entries.length);
  assert.equal(readTar(compressArchive(tar, 'zstd')).length, entries.length);
});

/** A raw header for hand-made GNU entries. */
function rawHeader(name: string, typeflag: string, size: number, magic = 'ustar  \0'): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(typeflag, 156, 'latin1');
  h.write(magic, 257, 'latin1');
  h.write(`${headerChecksums(h).unsigned.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

test('GNU long-name (L) and long-link (K) entries name the next entry', () => {
  const longName = `${'n'.repeat(200)}/file`;
  const longLink = `${'t'.repeat(150)}/target`;
  const tar = Buffer.concat([
    rawHeader('././@LongLink', 'L', longName.length + 1),
    pad(Buffer.from(`${longName}\0`)),
    rawHeader(longName.slice(0, 100), '0', 3),
    pad(Buffer.from('abc')),
    rawHeader('././@LongLink', 'K', longLink.length + 1),
    pad(Buffer.from(`${longLink}\0`)),
    rawHeader('short-link', '2', 0),
    Buffer.alloc(1024),
  ]);
  const back = readTar(tar);
  assert.deepEqual(back.map((e) => [e.name, e.type, e.linkname]), [
    [longName, 'file', ''],
    ['short-link', 'symlink', longLink],
  ]);
  assert.equal(back[0]?.content.toString(), 'abc');
});

test('corrupt and truncated archives are rejected with RFO_IMAGE_INVALID', () => {
  const tar = writeTar(entries);
  const corrupt = Buffer.from(tar);
  corrupt[10] = (corrupt[10] ?? 0) ^ 0xff;
  assert.throws(() => readTar(corrupt), { code: 'RFO_IMAGE_INVALID', message: /bad header checksum at offset 0/ });
  // cut in the middle of dir/block's data (its header is at 2048, data at 2560..3072)
  assert.throws(() => readTar(tar.subarray(0, 2700)), { code: 'RFO_IMAGE_INVALID', message: /entry at offset 2048 is truncated/ });
  // cut exactly after the last entry: no end-of-archive marker
  assert.throws(() => readTar(tar.subarray(0, tar.length - 1024)), { code: 'RFO_IMAGE_INVALID', message: /truncated/ });
  // cut inside dir/empty's header (at 1536)
  assert.throws(() => readTar(tar.subarray(0, 1600)), { code: 'RFO_IMAGE_INVALID', message: /truncated at offset 1536/ });
  assert.throws(() => readTar(Buffer.alloc(0)), { code: 'RFO_IMAGE_INVALID', message: /empty/ });
  assert.throws(() => readTar(Buffer.from('not a tar archive at all'.repeat(40))), { code: 'RFO_IMAGE_INVALID', message: /checksum/ });
  assert.throws(() => readTar(gzipSync(tar).subarray(0, 100)), { code: 'RFO_IMAGE_INVALID', message: /gzip data is corrupt or truncated/ });
});

test('a malformed PAX header is rejected', () => {
  const badRecord = Buffer.from('99 path=x\n');
  const tar = Buffer.concat([rawHeader('PaxHeaders/x', 'x', badRecord.length, 'ustar\u000000'), pad(badRecord), rawHeader('x', '0', 0), Buffer.alloc(1024)]);
  assert.throws(() => readTar(tar), { code: 'RFO_IMAGE_INVALID', message: /malformed PAX/ });
  const good = paxRecord('path', Buffer.from('renamed'));
  const ok = Buffer.concat([rawHeader('PaxHeaders/x', 'x', good.length, 'ustar\u000000'), pad(good), rawHeader('x', '0', 0), Buffer.alloc(1024)]);
  assert.equal(readTar(ok)[0]?.name, 'renamed');
});

test('errors name the archive they are about', () => {
  assert.throws(() => readTar(Buffer.alloc(100), 'base root file system /tmp/rootfs.tar'), { message: /^base root file system \/tmp\/rootfs\.tar: / });
});
