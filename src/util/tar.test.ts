import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { paxRecord, writeTar } from './tar-writer.ts';
import type { TarEntry } from './tar-writer.ts';
import { readTar } from './tar-reader.ts';
import { run } from './exec.ts';
import { sha256Hex } from './canonical-json.ts';

const long150 = `dir/${'a'.repeat(150)}.txt`;
const long300 = `${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(60)}.bin`;
const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const entries: TarEntry[] = [
  { type: 'dir', path: 'dir' },
  { type: 'file', path: 'dir/hello', content: Buffer.from('hello\n'), mode: 0o755 },
  { type: 'file', path: long150, content: Buffer.from('long name') },
  { type: 'file', path: long300, content: Buffer.alloc(1000, 7), xattrs: { 'security.capability': cap } },
  { type: 'symlink', path: 'dir/link', target: 'hello' },
  { type: 'symlink', path: 'dir/longlink', target: long300 },
  { type: 'hardlink', path: 'dir/hard', target: 'dir/hello' },
];

test('PAX records count their own length', () => {
  assert.equal(paxRecord('path', Buffer.from('abc')).toString(), '12 path=abc\n');
  const r = paxRecord('k', Buffer.alloc(95, 0x61));
  assert.equal(r.length, Number(r.toString().split(' ')[0]));
});

test('writer and reader round-trip names, modes, links and binary xattrs', () => {
  const tar = writeTar(entries, { mtime: 0 });
  assert.equal(tar.length % 512, 0);
  const back = readTar(tar);
  assert.deepEqual(back.map((e) => e.path), ['dir/', 'dir/hello', long150, long300, 'dir/link', 'dir/longlink', 'dir/hard']);
  assert.equal(back[1]?.mode, 0o755);
  assert.equal(back[1]?.content.toString(), 'hello\n');
  assert.deepEqual(back[3]?.xattrs['security.capability'], cap);
  assert.equal(back[3]?.content.length, 1000);
  assert.equal(back[4]?.type, 'symlink');
  assert.equal(back[5]?.linkname, long300);
  assert.equal(back[6]?.type, 'hardlink');
});

test('the same entries always give the same bytes', () => {
  assert.equal(sha256Hex(writeTar(entries)), sha256Hex(writeTar(entries)));
  assert.notEqual(sha256Hex(writeTar(entries, { mtime: 1 })), sha256Hex(writeTar(entries)));
});

test('gzip input is read transparently', () => {
  const back = readTar(gzipSync(writeTar(entries)));
  assert.equal(back.length, entries.length);
});

test('corrupt and truncated archives are rejected with RFO_IMAGE_INVALID', () => {
  const tar = writeTar(entries);
  const corrupt = Buffer.from(tar);
  corrupt[10] = (corrupt[10] ?? 0) ^ 0xff;
  assert.throws(() => readTar(corrupt), { code: 'RFO_IMAGE_INVALID', message: /checksum/ });
  assert.throws(() => readTar(tar.subarray(0, 1536)), { code: 'RFO_IMAGE_INVALID', message: /truncated/ });
  assert.throws(() => readTar(tar.subarray(0, tar.length - 1024)), { code: 'RFO_IMAGE_INVALID', message: /truncated/ });
});

test('GNU tar lists and extracts what we write (long names, symlinks)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-tar-'));
  try {
    await writeFile(join(dir, 'a.tar'), writeTar(entries));
    const list = await run({ cmd: 'tar', args: ['-tf', join(dir, 'a.tar')] });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n'), ['dir/', 'dir/hello', long150, long300, 'dir/link', 'dir/longlink', 'dir/hard']);
    const x = await run({ cmd: 'tar', args: ['-xf', join(dir, 'a.tar'), '-C', dir] });
    assert.equal(x.code, 0, x.stderr);
    assert.equal(await readFile(join(dir, long150), 'utf8'), 'long name');
    assert.equal(await readFile(join(dir, 'dir/link'), 'utf8'), 'hello\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
