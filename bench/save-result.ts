// Every benchmark keeps its result as bench/results/<name>-<YYYY-MM-DD>.json
// (one per day: a later run of the same day replaces it). Returns the file.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';

export async function saveBenchResult(name: string, result: { readonly date: string }): Promise<string> {
  const dir = join(repoRoot, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${result.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
