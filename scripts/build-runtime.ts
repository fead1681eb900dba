// npm run build:runtime [-- --minor 1.35|all|--version v1.35.4+rfor1] [--arch amd64|arm64|riscv64] [--only a,b] [--verify-reproducible]
// Builds whatever the cache lacks and prints, as its last line, the runtime
// directory (${RFO_CACHE_DIR:-~/.cache/rfo}/runtime/<key>/).

import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sha256File } from '../src/util/sha256-file.ts';
import type { BaseRootfs } from '../src/build/plan-build.ts';
import { isRfoError, RfoError } from '../src/errors.ts';
import { defaultCacheDir, repoRoot } from '../src/build/paths.ts';
import { createProgress, formatElapsed } from '../src/build/progress.ts';
import { buildRuntime } from '../src/build/build-runtime.ts';
import { reexecForMinor } from '../src/build/build-minor.ts';
import { readToolchain } from '../src/build/toolchain.ts';
import { verifyReproducible } from '../src/build/verify-reproducible.ts';
import { components, supportedArches } from '../src/versions/table.ts';
import type { Arch, ComponentId } from '../src/versions/table.ts';

interface Cli {
  arch?: Arch;
  only?: ComponentId[];
  verify: boolean;
  cacheDir: string;
  baseRootfs?: string;
}

function parseCli(argv: string[]): Cli {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        arch: { type: 'string' },
        only: { type: 'string' },
        'verify-reproducible': { type: 'boolean', default: false },
        'cache-dir': { type: 'string' },
        'base-rootfs': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new RfoError('RFO_USAGE', (err as Error).message, { hint: 'options: --minor, --version, --arch, --only, --verify-reproducible, --cache-dir, --base-rootfs' });
  }
  const arch = values.arch as Arch | undefined;
  if (arch !== undefined && !supportedArches.includes(arch)) {
    throw new RfoError('RFO_USAGE', `unsupported --arch ${arch}`, { hint: `use one of ${supportedArches.join(', ')}` });
  }
  let only: ComponentId[] | undefined;
  if (values.only) {
    only = values.only.split(',').map((s) => s.trim()) as ComponentId[];
    for (const id of only) {
      if (!(id in components)) {
        throw new RfoError('RFO_VERSION_UNKNOWN', `component "${id}" is not in the version table`, {
          hint: `components: ${Object.keys(components).join(', ')} (src/versions/table.ts)`,
        });
      }
    }
  }
  return { arch, only, verify: values['verify-reproducible'] === true, cacheDir: values['cache-dir'] ?? defaultCacheDir(), baseRootfs: values['base-rootfs'] };
}

/** --base-rootfs: a root file system tar (optionally gzipped) to put under every image. */
async function readBaseRootfs(path: string | undefined): Promise<BaseRootfs | undefined> {
  if (!path) return undefined;
  let sha256: string;
  try {
    sha256 = await sha256File(path);
  } catch (err) {
    throw new RfoError('RFO_USAGE', `--base-rootfs ${path}: ${(err as Error).message}`, { hint: 'pass a root file system tar, e.g. one made with `docker export` of an openEuler base image' });
  }
  return { path: resolve(path), name: basename(path), sha256 };
}

/** scripts/setup-host.sh records a Go it fetched from the module proxy in .go-path. */
function useFetchedGo(): void {
  const goPath = join(repoRoot, '.go-path');
  if (existsSync(goPath)) process.env.PATH = `${readFileSync(goPath, 'utf8').trim()}:${process.env.PATH ?? ''}`;
}

async function main(): Promise<void> {
  useFetchedGo();
  const started = Date.now();
  const cli = parseCli(reexecForMinor(process.argv.slice(2)));
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const toolchain = await readToolchain(cli.arch, cli.cacheDir);
  progress.info(`toolchain ${toolchain.go}, ${toolchain.cc}${toolchain.libseccomp ? `, ${toolchain.libseccomp}` : ''}; cache ${cli.cacheDir}`);
  const baseRootfs = await readBaseRootfs(cli.baseRootfs);
  const result = await buildRuntime({ arch: cli.arch, cacheDir: cli.cacheDir, only: cli.only, toolchain, progress, baseRootfs });
  if (cli.verify) {
    const report = await verifyReproducible(result.plan, result.manifest, { toolchain: result.toolchain, progress });
    for (const line of report.lines) process.stderr.write(`${line}\n`);
    if (!report.ok) {
      throw new RfoError('RFO_NOT_REPRODUCIBLE', `${report.mismatches.length} artifact(s) differ between two clean builds: ${report.mismatches.join(', ')}`, {
        hint: 'compare the two builds with diffoscope; usual causes are embedded paths, timestamps or map iteration order',
      });
    }
  }
  const built = result.built.length > 0 ? `built ${result.built.join(', ')}` : 'everything cached';
  process.stderr.write(`runtime ${result.manifest.rfoVersion} ${result.plan.arch} ready in ${formatElapsed(Date.now() - started)} (${built})\n`);
  process.stdout.write(`${result.plan.runtimeDir}/\n`);
}

main().catch((err: unknown) => {
  if (isRfoError(err)) {
    process.stderr.write(`build:runtime: error [${err.code}]: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
  } else {
    process.stderr.write(`build:runtime: ${err instanceof Error ? err.stack : String(err)}\n`);
  }
  process.exitCode = 1;
});
