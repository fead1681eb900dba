import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderVersionTable, spliceVersionTable } from './render-version-table.ts';
import { components } from './table.ts';
import { repoRoot } from '../build/paths.ts';

test('the table lists every component with its pinned version', () => {
  const table = renderVersionTable();
  for (const c of Object.values(components)) assert.ok(table.includes(`| ${c.id} | ${c.version} |`), c.id);
});

test('README.md carries the current generated table (run npm run gen:readme)', async () => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  assert.equal(spliceVersionTable(readme), readme);
});

test('splicing needs the markers', () => {
  assert.throws(() => spliceVersionTable('# no markers'), /markers/);
});
