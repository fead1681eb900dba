import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { unzipFile, zipFile } from './snapshot-zip.ts';

test('zip round trip; unzip(1) reads our archives; damage is detected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-zip-'));
  try {
    const data = Buffer.concat([randomBytes(300_000), Buffer.alloc(700_000, 1)]);
    await writeFile(join(dir, 'db'), data);
    await zipFile(join(dir, 'db'), join(dir, 'db.zip'), 'snap-n1-1700000000');
    assert.ok((await stat(join(dir, 'db.zip'))).size < data.length);
    await unzipFile(join(dir, 'db.zip'), join(dir, 'out'));
    assert.ok((await readFile(join(dir, 'out'))).equals(data));
    try {
      const listing = execFileSync('unzip', ['-l', join(dir, 'db.zip')]).toString();
      assert.match(listing, /snap-n1-1700000000/);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const bytes = await readFile(join(dir, 'db.zip'));
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    await writeFile(join(dir, 'bad.zip'), bytes);
    await assert.rejects(unzipFile(join(dir, 'bad.zip'), join(dir, 'out2')), /damaged|invalid|incorrect/i);
    await truncate(join(dir, 'db.zip'), 5000);
    await assert.rejects(unzipFile(join(dir, 'db.zip'), join(dir, 'out3')), /not a zip archive|truncated/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
