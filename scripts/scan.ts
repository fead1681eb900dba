// npm run scan [-- --runtime-dir DIR] [--out DIR] [--policy FILE] [--no-tools]
// Scans every Go binary of the runtime (built first if the cache lacks it),
// the binaries inside its images and the tools with govulncheck against the
// pinned offline vulnerability database, applies security/vex.yaml, and
// writes per-artifact and whole-runtime reports, tables and OpenVEX documents
// (signed) to dist/scan/<arch>/. Exits 1 when a reachable vulnerability with
// a fixed version is neither fixed nor justified: the CI gate.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRuntime } from '../src/build/build-runtime.ts';
import { defaultCacheDir, repoRoot } from '../src/build/paths.ts';
import { createProgress, formatElapsed } from '../src/build/progress.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import { isRfoError, RfoError } from '../src/errors.ts';
import { scanRuntime } from '../src/scan/scan-runtime.ts';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { 'runtime-dir': { type: 'string' }, out: { type: 'string' }, policy: { type: 'string' }, 'no-tools': { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new RfoError('RFO_USAGE', (err as Error).message, { hint: 'options: --runtime-dir, --out, --policy, --no-tools' });
  }
  const started = Date.now();
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const toolchain = await readToolchain();
  const cacheDir = defaultCacheDir();
  let runtimeDir = values['runtime-dir'];
  if (!runtimeDir) runtimeDir = (await buildRuntime({ cacheDir, toolchain, progress })).plan.runtimeDir;
  const manifestArch = JSON.parse(await readFile(join(runtimeDir, 'manifest.json'), 'utf8')) as { arch: string };
  const outDir = resolve(values.out ?? join(repoRoot, 'dist', 'scan', manifestArch.arch));
  const r = await scanRuntime({ runtimeDir: resolve(runtimeDir), cacheDir, outDir, toolchain, progress, ...(values.policy ? { policyPath: resolve(values.policy) } : {}), tools: !values['no-tools'] });
  process.stdout.write(r.table);
  process.stderr.write(
    `scan: ${r.artifacts} Go binaries in ${r.scanSeconds.toFixed(1)}s (${formatElapsed(Date.now() - started)} in all); database ${r.database.version}, ` +
      `${(r.database.bytes / 1024 ** 2).toFixed(1)} MiB (${r.database.entries} entries); reports in ${outDir}\n`,
  );
  if (r.result.violations.length > 0) {
    throw new RfoError('RFO_VULNERABLE', `${r.result.violations.length} reachable vulnerabilities with a fixed version are neither fixed nor justified in security/vex.yaml:\n  ${r.result.violations.join('\n  ')}`, {
      hint: 'bump each as its line says (or, after review, justify it in security/vex.yaml with an expiry date), then run npm run scan again',
    });
  }
}

main().catch((err: unknown) => {
  if (isRfoError(err)) process.stderr.write(`scan: error [${err.code}]: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
  else process.stderr.write(`scan: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
