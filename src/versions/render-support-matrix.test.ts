import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { minorLines } from './minors.ts';
import { renderSupportMatrix, spliceSupportMatrix } from './render-support-matrix.ts';

test('one row per minor, newest first, in the seed columns; latest from the release tree when given', () => {
  const text = renderSupportMatrix(minorLines, ['v1.35.4+rfor1', 'v1.35.4+rfor2']);
  const rows = text.split('\n').filter((l) => /^\| v1\./.test(l));
  assert.deepEqual(rows.map((r) => r.split('|')[1]?.trim()), ['v1.37', 'v1.36 (stable)', 'v1.35']);
  assert.match(text, /^\| Minor \| K8s release \| RFO release \| Active support until \| Maintenance until \| Latest \|$/m);
  assert.match(rows[2] ?? '', /\| 17 Dec 2025 \|.*\| 28 Feb 2027 \| v1\.35\.4\+rfor2 \|$/);
  assert.match(rows[0] ?? '', /v1\.37\.2\+rfor1 \|$/);
  assert.match(text, /Three minors are maintained/);
});

test('the README carries the generated matrix (run npm run gen:readme after changing minors.ts)', async () => {
  const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  assert.equal(spliceSupportMatrix(readme, minorLines), readme);
  assert.throws(() => spliceSupportMatrix('no markers', minorLines), /support matrix markers/);
});
