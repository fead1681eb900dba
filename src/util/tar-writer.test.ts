import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paxRecord, tarChunks, writeTar } from './tar-writer.ts';
import type { TarEntry } from './tar-writer.ts';
import { readTar } from './tar-reader.ts';
import { decodeNumber, decodeString, field, headerChecksums } from './tar-format.ts';
import { sha256Hex } from './canonical-json.ts';

const entries: TarEntry[] = [
  { type: 'dir', path: 'etc' },
  { type: 'file', path: 'etc/hostname', content: Buffer.from('node1\n') },
  { type: 'file', path: 'pause', content: Buffer.alloc(513, 1), mode: 0o755 },
  { type: 'symlink', path: 'bin', target: 'usr/bin' },
];

test('PAX records count their own length, across digit-count boundaries', () => {
  assert.equal(paxRecord('path', Buffer.from('abc')).toString(), '12 path=abc\n');
  for (let n = 80; n < 1100; n++) {
    const r = paxRecord('k', Buffer.alloc(n, 0x61));
    assert.equal(r.length, Number(r.toString().split(' ')[0]), `value length ${n}`);
  }
});

test('layout: 512-byte blocks, ustar magic, fixed owner and mtime, two closing zero blocks', () => {
  const tar = writeTar(entries, { mtime: 1_700_000_000 });
  assert.equal(tar.length % 512, 0);
  assert.ok(tar.subarray(tar.length - 1024).every((b) => b === 0));
  const h = tar.subarray(0, 512);
  assert.equal(decodeString(h, field.name), 'etc/');
  assert.equal(h.subarray(257, 265).toString('latin1'), 'ustar\u000000');
  assert.equal(decodeNumber(h, field.mtime), 1_700_000_000);
  assert.equal(decodeNumber(h, field.uid), 0);
  assert.equal(decodeNumber(h, field.gid), 0);
  assert.equal(decodeString(h, field.uname), '');
  assert.equal(decodeString(h, field.gname), '');
  assert.equal(decodeNumber(h, field.checksum), headerChecksums(h).unsigned);
  assert.equal(decodeNumber(h, field.mode), 0o755);
  // etc/ header, etc/hostname header + 1 data block, pause header + 2 data blocks, bin header, 2 end blocks
  assert.equal(tar.length, 512 * (1 + 2 + 3 + 1 + 2));
});

test('the same entries always give the same bytes; mtime and owner are the only knobs', () => {
  assert.equal(sha256Hex(writeTar(entries)), sha256Hex(writeTar(entries)));
  assert.equal(sha256Hex(Buffer.concat(tarChunks(entries))), sha256Hex(writeTar(entries)));
  assert.notEqual(sha256Hex(writeTar(entries, { mtime: 1 })), sha256Hex(writeTar(entries)));
  assert.notEqual(sha256Hex(writeTar(entries, { uid: 1000 })), sha256Hex(writeTar(entries)));
  const back = readTar(writeTar(entries, { uid: 1000, gid: 1001 }));
  assert.deepEqual([back[0]?.uid, back[0]?.gid], [1000, 1001]);
});

test('PAX headers appear only when needed', () => {
  const short = writeTar([{ type: 'file', path: 'a'.repeat(100), content: Buffer.from('x') }]);
  assert.equal(String.fromCharCode(short[156] ?? 0), '0');
  const long = writeTar([{ type: 'file', path: 'a'.repeat(101), content: Buffer.from('x') }]);
  assert.equal(String.fromCharCode(long[156] ?? 0), 'x');
  const unicode = writeTar([{ type: 'file', path: 'é', content: Buffer.from('x') }]);
  assert.equal(String.fromCharCode(unicode[156] ?? 0), 'x');
  assert.equal(readTar(unicode)[0]?.name, 'é');
});

test('numbers too large for their octal field travel in PAX records', () => {
  const back = readTar(writeTar([{ type: 'file', path: 'big-owner', content: Buffer.from('x'), uid: 0o10000000, gid: 3_000_000_000 }], { mtime: 0o100000000000 }));
  assert.deepEqual([back[0]?.uid, back[0]?.gid, back[0]?.mtime], [0o10000000, 3_000_000_000, 0o100000000000]);
});

test('invalid entries are refused with RFO_IMAGE_INVALID', () => {
  const file = (over: Partial<{ path: string; mode: number; xattrs: Record<string, Uint8Array> }>): TarEntry => ({ type: 'file', path: 'f', content: Buffer.alloc(0), ...over });
  assert.throws(() => writeTar([file({ path: '' })]), { code: 'RFO_IMAGE_INVALID', message: /invalid path/ });
  assert.throws(() => writeTar([file({ path: 'a\0b' })]), { code: 'RFO_IMAGE_INVALID' });
  assert.throws(() => writeTar([file({ mode: 0o100755 })]), { code: 'RFO_IMAGE_INVALID', message: /mode/ });
  assert.throws(() => writeTar([file({ xattrs: { 'a=b': Buffer.from('x') } })]), { code: 'RFO_IMAGE_INVALID', message: /xattr/ });
  assert.throws(() => writeTar([file({})], { mtime: -1 }), { code: 'RFO_IMAGE_INVALID', message: /mtime/ });
  assert.throws(() => writeTar([{ type: 'symlink', path: 'l', target: '' }]), { code: 'RFO_IMAGE_INVALID', message: /link target/ });
});
