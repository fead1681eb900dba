import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restrictFileModes, symlinkAtomic, writeFileAtomic } from './atomic-write.ts';

test('atomic writes create parents, set the exact mode and leave no temp files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-aw-'));
  try {
    const path = join(dir, 'a', 'b', 'key.pem');
    await writeFileAtomic(path, 'secret', 0o600);
    await writeFileAtomic(path, 'secret2', 0o600);
    assert.equal(await readFile(path, 'utf8'), 'secret2');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['key.pem']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('symlinkAtomic replaces an existing link in place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-ln-'));
  try {
    await symlinkAtomic('a', join(dir, 'current'));
    await symlinkAtomic('b', join(dir, 'current'));
    assert.equal(await readlink(join(dir, 'current')), 'b');
    assert.deepEqual(await readdir(dir), ['current']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('restrictFileModes (profile: cis): every later write is owner-only, whatever mode the writer asked for', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-aw-'));
  try {
    restrictFileModes(true);
    await writeFileAtomic(join(dir, 'ca.crt'), 'cert', 0o644);
    await writeFileAtomic(join(dir, 'kubelet.conf'), 'conf');
    await writeFileAtomic(join(dir, 'x.key'), 'key', 0o600);
    for (const f of ['ca.crt', 'kubelet.conf', 'x.key']) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
    restrictFileModes(false);
    await writeFileAtomic(join(dir, 'ca.crt'), 'cert', 0o644);
    assert.equal((await stat(join(dir, 'ca.crt'))).mode & 0o777, 0o644);
  } finally {
    restrictFileModes(false);
    await rm(dir, { recursive: true, force: true });
  }
});
