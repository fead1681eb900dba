// npm run gen:readme — rewrites the pinned-versions table in README.md.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { spliceVersionTable } from '../src/versions/render-version-table.ts';

const path = join(repoRoot, 'README.md');
await writeFile(path, spliceVersionTable(await readFile(path, 'utf8')));
console.log('README.md version table updated');
