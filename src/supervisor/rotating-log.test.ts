import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRotatingLog } from './rotating-log.ts';
import { lineSplitter } from './line-splitter.ts';

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-log-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (i: number) => Buffer.from(`line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}\n`);

test('a log is rotated by size, keeps maxFiles files in all, loses no line of the kept ones, and is 0600', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'c.log');
    const log = openRotatingLog(path, { maxBytes: 1000, maxFiles: 3 }, (m) => assert.fail(m));
    for (let i = 0; i < 100; i++) log.write(line(i));
    log.close();
    assert.deepEqual((await readdir(dir)).sort(), ['c.log', 'c.log.1', 'c.log.2']);
    const files = [`${path}.2`, `${path}.1`, path];
    const text = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('');
    for (const f of files) {
      const st = await stat(f);
      assert.ok(st.size <= 1000, `${f}: ${st.size} bytes`);
      assert.equal(st.mode & 0o777, 0o600, f);
    }
    // the newest lines, contiguous and whole, up to the last one
    const lines = text.split('\n').filter(Boolean);
    const first = Number(/line (\d+)/.exec(lines[0] ?? '')?.[1]);
    assert.deepEqual(lines, Array.from({ length: 100 - first }, (_, k) => line(first + k).toString().trimEnd()));
    assert.ok(lines.length >= 40, `kept ${lines.length} lines`);
  });
});

test("a user's existing log is appended to and made 0600; one already too big is rotated, never truncated", async () => {
  await withDir(async (dir) => {
    const small = join(dir, 'small.log');
    await writeFile(small, 'old line\n');
    await chmod(small, 0o644);
    const a = openRotatingLog(small, { maxBytes: 1000, maxFiles: 5 }, (m) => assert.fail(m));
    a.write(Buffer.from('new line\n'));
    a.close();
    assert.equal(await readFile(small, 'utf8'), 'old line\nnew line\n');
    assert.equal((await stat(small)).mode & 0o777, 0o600);

    const big = join(dir, 'big.log');
    const content = 'y'.repeat(5000);
    await writeFile(big, content);
    const b = openRotatingLog(big, { maxBytes: 1000, maxFiles: 5 }, (m) => assert.fail(m));
    b.write(Buffer.from('first\n'));
    b.close();
    b.write(Buffer.from('after close\n'));
    assert.equal(await readFile(`${big}.1`, 'utf8'), content, 'the old content is kept whole as .1');
    assert.equal(await readFile(big, 'utf8'), 'first\n');
  });
});

test('a log whose directory cannot be made reports once and does not throw', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'file'), '');
    const reports: string[] = [];
    const log = openRotatingLog(join(dir, 'file', 'c.log'), { maxBytes: 1000, maxFiles: 2 }, (m) => reports.push(m));
    log.write(Buffer.from('a\n'));
    log.write(Buffer.from('b\n'));
    log.close();
    assert.equal(reports.length, 1, reports.join('\n'));
  });
});

test('lines from two streams are passed on whole; very long lines in bounded pieces', () => {
  const out: string[] = [];
  const s = lineSplitter((b) => out.push(b.toString()), 8);
  s.push(Buffer.from('ab'));
  s.push(Buffer.from('c\nde'));
  assert.deepEqual(out, ['abc\n']);
  s.push(Buffer.from('fghijk'));
  assert.deepEqual(out, ['abc\n', 'defghijk']);
  s.push(Buffer.from('z'));
  s.flush();
  assert.deepEqual(out, ['abc\n', 'defghijk', 'z']);
});
