// Interoperability with GNU tar (installed on build hosts): what we write,
// GNU tar lists and extracts; what GNU tar writes, we read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTar } from './tar-writer.ts';
import type { TarEntry } from './tar-writer.ts';
import { readTar } from './tar-reader.ts';

const long150 = `dir/${'a'.repeat(150)}.txt`;
const long300 = `${'d'.repeat(120)}/${'e'.repeat(120)}/${'f'.repeat(60)}.bin`;
const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const entries: TarEntry[] = [
  { type: 'dir', path: 'dir' },
  { type: 'file', path: 'dir/hello', content: Buffer.from('hello\n'), mode: 0o755, xattrs: { 'security.capability': cap } },
  { type: 'file', path: long150, content: Buffer.from('long name') },
  { type: 'dir', path: long300.slice(0, 120) },
  { type: 'dir', path: long300.slice(0, 241) },
  { type: 'file', path: long300, content: Buffer.alloc(1000, 7) },
  { type: 'symlink', path: 'dir/link', target: 'hello' },
  { type: 'symlink', path: 'dir/longlink', target: `../${long300}` },
  { type: 'hardlink', path: 'dir/hard', target: 'dir/hello' },
];

const tar = (args: string[]) => execFileSync('tar', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-tar-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('GNU tar lists what we write: names, types, modes, owners, mtime, xattrs', () =>
  withTempDir(async (dir) => {
    await writeFile(join(dir, 'a.tar'), writeTar(entries));
    assert.deepEqual(tar(['-tf', join(dir, 'a.tar')]).trimEnd().split('\n'), ['dir/', 'dir/hello', long150, `${long300.slice(0, 120)}/`, `${long300.slice(0, 241)}/`, long300, 'dir/link', 'dir/longlink', 'dir/hard']);
    const verbose = tar(['-tvf', join(dir, 'a.tar')]).trimEnd().split('\n');
    assert.match(verbose[1] ?? '', /^-rwxr-xr-x 0\/0 +6 1970-01-01 00:00 dir\/hello$/);
    assert.match(verbose[6] ?? '', /^lrwxrwxrwx 0\/0 +0 1970-01-01 00:00 dir\/link -> hello$/);
    assert.ok(verbose[7]?.endsWith(`dir/longlink -> ../${long300}`), verbose[7]);
    assert.match(verbose[8] ?? '', /^hrw-r--r-- 0\/0 +0 1970-01-01 00:00 dir\/hard link to dir\/hello$/);
    const xattrs = tar(['--xattrs', '--xattrs-include=*', '-tvvf', join(dir, 'a.tar')]);
    assert.match(xattrs, /dir\/hello\n +x: 20 security\.capability\n/);
  }));

test('GNU tar extracts what we write (long names, symlinks, hard links, modes)', () =>
  withTempDir(async (dir) => {
    await writeFile(join(dir, 'a.tar'), writeTar(entries));
    await mkdir(join(dir, 'out'));
    tar(['-xf', join(dir, 'a.tar'), '-C', join(dir, 'out')]);
    const out = (p: string) => join(dir, 'out', p);
    assert.equal(await readFile(out(long150), 'utf8'), 'long name');
    assert.deepEqual(await readFile(out(long300)), Buffer.alloc(1000, 7));
    assert.equal(await readlink(out('dir/link')), 'hello');
    assert.equal(await readFile(out('dir/link'), 'utf8'), 'hello\n');
    assert.deepEqual(await readFile(out('dir/longlink')), Buffer.alloc(1000, 7));
    assert.equal((await stat(out('dir/hard'))).ino, (await stat(out('dir/hello'))).ino);
    assert.equal((await stat(out('dir/hello'))).mode & 0o7777, 0o755);
  }));

test('we read what GNU tar writes, in gnu, posix and gzip forms', () =>
  withTempDir(async (dir) => {
    const src = join(dir, 'src');
    await mkdir(join(src, long300.slice(0, 241)), { recursive: true });
    await writeFile(join(src, long300), 'from gnu tar');
    await writeFile(join(src, 'short'), 'short');
    await symlink(long300, join(src, 'longlink'));
    for (const [format, extra, file] of [['gnu', [], 'g.tar'], ['posix', [], 'p.tar'], ['gnu', ['-z'], 'g.tar.gz']] as const) {
      tar(['-c', ...extra, `--format=${format}`, '--sort=name', '-f', join(dir, file), '-C', src, '.']);
      const back = readTar(await readFile(join(dir, file)), file);
      const byName = new Map(back.map((e) => [e.name.replace(/^\.\//, ''), e]));
      assert.equal(byName.get(long300)?.content.toString(), 'from gnu tar', `${file}: long file`);
      assert.equal(byName.get('short')?.content.toString(), 'short', `${file}: short file`);
      assert.equal(byName.get('longlink')?.type, 'symlink', `${file}: symlink`);
      assert.equal(byName.get('longlink')?.linkname, long300, `${file}: long link target`);
    }
  }));
