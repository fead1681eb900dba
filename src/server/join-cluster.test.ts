import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapFiles } from '../join/bootstrap-data.ts';
import { writeBootstrapFiles } from './join-cluster.ts';

const files = Object.fromEntries(bootstrapFiles.map((f) => [f, `content of ${f}`]));

test('writeBootstrapFiles refuses a crafted file name and writes nothing at all, inside or outside the tls dir', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-bootstrap-'));
  try {
    const tls = join(root, 'a', 'b', 'tls');
    for (const bad of ['../../escaped', 'sub/dir/x.key', 'unknown.key']) {
      // the crafted name comes after valid ones: nothing may be written before the check
      await assert.rejects(writeBootstrapFiles(tls, { files: { ...files, [bad]: 'owned' } }), (err: Error & { code?: string }) => err.code === 'RFO_JOIN_FAILED');
      assert.deepEqual(await readdir(root, { recursive: true }), [], bad);
    }
    await writeBootstrapFiles(tls, { files });
    assert.equal((await readdir(tls, { recursive: true })).filter((f) => f.includes('.')).length, bootstrapFiles.length);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
