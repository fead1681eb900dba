// npm run build:tools -- <tool>[,<tool>...]
// Builds test/release tools (version-table entries with `tool: true`) from
// source into the artifact cache; prints "<binary> <path>" per line.

import { isRfoError, RfoError } from '../src/errors.ts';
import { defaultCacheDir } from '../src/build/paths.ts';
import { createProgress } from '../src/build/progress.ts';
import { buildTools } from '../src/build/build-tools.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import type { ComponentId } from '../src/versions/table.ts';

async function main(): Promise<void> {
  const ids = process.argv.slice(2).flatMap((a) => a.split(',')).filter(Boolean) as ComponentId[];
  if (ids.length === 0) throw new RfoError('RFO_USAGE', 'name the tools to build', { hint: 'npm run build:tools -- <tool>[,<tool>]' });
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const paths = await buildTools(ids, { cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress });
  for (const [name, path] of Object.entries(paths)) process.stdout.write(`${name} ${path}\n`);
}

main().catch((err: unknown) => {
  if (isRfoError(err)) process.stderr.write(`build:tools: error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
  else process.stderr.write(`build:tools: ${String(err)}\n`);
  process.exitCode = 1;
});
