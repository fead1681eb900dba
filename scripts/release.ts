// npm run release [-- --dist <dir>] [--arch amd64|arm64] [--minor 1.35|all|--version v1.35.4+rfor1]
// Builds the runtime if needed, then writes the release to dist/ (see
// src/release/build-release.ts), prints artifact sizes and timings, and saves
// them to bench/results/release-<date>.json. Sign with a release key by
// setting RFO_SIGNING_KEY=/path/key.pem; otherwise a dev key is used.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isRfoError, RfoError } from '../src/errors.ts';
import { supportedArches } from '../src/versions/table.ts';
import type { Arch } from '../src/versions/table.ts';
import { defaultCacheDir, repoRoot } from '../src/build/paths.ts';
import { createProgress, formatElapsed } from '../src/build/progress.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import { buildRelease } from '../src/release/build-release.ts';
import { reexecForMinor } from '../src/build/build-minor.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ args: reexecForMinor(process.argv.slice(2)), options: { dist: { type: 'string' }, arch: { type: 'string' }, 'no-bench': { type: 'boolean', default: false } } });
  const distDir = resolve(values.dist ?? join(repoRoot, 'dist'));
  const arch = values.arch as Arch | undefined;
  if (arch !== undefined && !supportedArches.includes(arch)) throw new RfoError('RFO_USAGE', `unsupported --arch ${arch}`, { hint: `use one of ${supportedArches.join(', ')}` });
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const r = await buildRelease({ distDir, ...(arch ? { arch } : {}), cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress });
  for (const [f, bytes] of Object.entries(r.sizes)) process.stdout.write(`${f.padEnd(40)} ${(bytes / 1024 ** 2).toFixed(1)} MiB\n`);
  if (!values['no-bench']) {
    const out = join(repoRoot, 'bench', 'results', `release-${new Date().toISOString().slice(0, 10)}.json`);
    await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
    await writeFile(out, `${JSON.stringify({ version: r.version, arch: r.arch, cached: r.cached, totalMs: r.totalMs, timingsMs: r.timings, sizesBytes: r.sizes, key: r.keyKind, measuredAt: new Date().toISOString() }, null, 2)}\n`);
    process.stdout.write(`results: ${out}\n`);
  }
  process.stdout.write(`release ${r.version} ${r.arch} written to ${r.versionDir} in ${formatElapsed(r.totalMs)}${r.cached ? ' (tarball and RPM cached)' : ''}; signed with the ${r.keyKind} key ${r.keyFingerprint}\n`);
}

main().catch((err: unknown) => {
  if (isRfoError(err)) process.stderr.write(`release: error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
  else process.stderr.write(`release: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
