// npm run gen:readme — rewrites the pinned-versions table and the support matrix in README.md.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { spliceVersionTable } from '../src/versions/render-version-table.ts';
import { spliceSupportMatrix } from '../src/versions/render-support-matrix.ts';
import { minorLines } from '../src/versions/minors.ts';

const path = join(repoRoot, 'README.md');
await writeFile(path, spliceSupportMatrix(spliceVersionTable(await readFile(path, 'utf8')), minorLines));
console.log('README.md version table and support matrix updated');
