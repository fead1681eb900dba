import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSha256Sums, renderSha256Sums } from './render-manifest.ts';
import type { ArtifactRecord } from './render-manifest.ts';

const rec = (path: string, sha: string): ArtifactRecord => ({ kind: 'archive', name: path, path, images: [], sha256: sha, size: 1 });

test('sha256sum lines use the coreutils format, sorted by path', () => {
  const text = renderSha256Sums([rec('images/b.tar', 'b'.repeat(64)), rec('bin/a', 'a'.repeat(64))]);
  assert.equal(text, `${'a'.repeat(64)}  bin/a\n${'b'.repeat(64)}  images/b.tar\n`);
});

test('sha256sum text parses back, ignoring junk lines', () => {
  const parsed = parseSha256Sums(`${'c'.repeat(64)}  bin/x\nnot a line\n${'d'.repeat(64)} *bin/y\n`);
  assert.deepEqual([...parsed.entries()], [['bin/x', 'c'.repeat(64)], ['bin/y', 'd'.repeat(64)]]);
});
