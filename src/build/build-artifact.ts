// Builds one component's binaries into its cache directory. The directory
// appears only when every binary is built (written under a .partial name,
// then renamed), so an interrupted or failed build never looks complete.

import { availableParallelism } from 'node:os';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, tail } from '../util/exec.ts';
import { components, goToolchain } from '../versions/table.ts';
import type { Arch, ComponentId } from '../versions/table.ts';
import { linksSeccomp, usesCgo } from '../versions/recipes.ts';
import type { CBinaryRecipe, DebBinaryRecipe, GoBinaryRecipe, MakeBinaryRecipe } from '../versions/recipes.ts';
import { crossCgoEnv } from './cross-toolchain.ts';
import { extractDebianFile } from './debian-package.ts';
import { debianPinOf } from './plan-debian-pin.ts';
import { parseGoSum } from './gomod.ts';
import { renderKconfig } from './render-kconfig.ts';
import { unpackSourceTarball } from './source-tarball.ts';
import { wrapperDir } from './paths.ts';
import type { ArtifactStep, ToolchainFacts } from './plan-build.ts';
import type { Progress } from './progress.ts';
import { renderGoBuild, expandPlaceholders } from './render-go-build.ts';
import type { BinaryRecord } from './render-manifest.ts';
import { sha256File } from '../util/sha256-file.ts';

export const artifactRecordFile = 'artifact.json';

export interface ModuleFacts {
  readonly dir: string;
  readonly time: string;
  readonly sum: string;
}


/** `go mod download -json`: where the module's source is, when it was published, its h1 hash. */
export async function readModuleFacts(component: ComponentId, module: string, version: string, extraEnv: Record<string, string> = {}): Promise<ModuleFacts> {
  const result = await run({
    cmd: 'go',
    args: ['mod', 'download', '-json', `${module}@${version}`],
    cwd: wrapperDir(component),
    env: { ...process.env, GOTOOLCHAIN: goToolchain, ...extraEnv },
    purpose: `downloading ${module}@${version}`,
  });
  const info = JSON.parse(result.stdout || '{}') as { Dir?: string; Info?: string; Sum?: string; Error?: string };
  if (result.code !== 0 || !info.Dir || !info.Info || !info.Sum) {
    throw new RfoError('RFO_MODULE_NOT_FOUND', `${component}: Go module ${module}@${version} could not be downloaded: ${info.Error ?? tail(result.stderr, 5)}`, {
      hint: 'check the version in src/versions/table.ts and that GOPROXY reaches the Go module proxy',
    });
  }
  // The .info file carries the version's publication time: a stable build date.
  const { Time: time } = JSON.parse(await readFile(info.Info, 'utf8')) as { Time: string };
  return { dir: info.Dir, time, sum: info.Sum };
}

export function classifyBuildFailure(component: ComponentId, name: string, stderr: string): RfoError {
  if (/no space left on device/i.test(stderr)) {
    return new RfoError('RFO_DISK_FULL', `${component}: ran out of disk space while building ${name}`, {
      hint: 'free disk space in the cache directory (RFO_CACHE_DIR) and the Go build cache (go env GOCACHE)',
    });
  }
  if (/(module .* not found|unknown revision|invalid version|403 Forbidden|404 Not Found|missing go\.sum entry)/i.test(stderr)) {
    return new RfoError('RFO_MODULE_NOT_FOUND', `${component}: a Go module needed by ${name} is not available:\n${tail(stderr, 10)}`, {
      hint: 'run `npm run gen:gomod` after changing versions, and check that GOPROXY reaches the module proxy',
    });
  }
  return new RfoError('RFO_BUILD_FAILED', `${component}: building ${name} failed:\n${tail(stderr, 25)}`, {
    hint: 'the lines above are the compiler output; fix the recipe in src/versions/recipes.ts or the wrapper in go/',
  });
}

/** The identity part every binary record shares. */
function recordIdentity(recipe: GoBinaryRecipe | CBinaryRecipe | DebBinaryRecipe | MakeBinaryRecipe, aliases: readonly string[]) {
  return { kind: 'binary' as const, name: recipe.name, component: recipe.component, version: components[recipe.component].version, path: `bin/${recipe.name}`, aliases };
}

/** What every binary record says about the bytes that came out. */
async function describeOutput(outFile: string, startedMs: number): Promise<{ sha256: string; size: number; buildSeconds: number }> {
  return { sha256: await sha256File(outFile), size: (await stat(outFile)).size, buildSeconds: Math.round((Date.now() - startedMs) / 100) / 10 };
}

interface BuildContext {
  readonly step: ArtifactStep;
  readonly arch: Arch;
  readonly toolchain: ToolchainFacts;
  readonly outDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: Progress;
}

async function buildGo(ctx: BuildContext, recipe: GoBinaryRecipe, sums: Map<string, string>): Promise<BinaryRecord> {
  const component = components[recipe.component];
  const mainModule = component.modules.find((m) => recipe.package === '.' || recipe.package.startsWith(m)) ?? component.modules[0] ?? '';
  const facts = await readModuleFacts(recipe.component, mainModule, component.version);
  const outFile = join(ctx.outDir, 'bin', recipe.name);
  const cgo = usesCgo(recipe, ctx.arch);
  const cross = cgo ? crossCgoEnv(ctx.toolchain.ccCommand, ctx.toolchain.pkgConfigLibdir) : { recorded: {}, local: {} };
  const spec = renderGoBuild(recipe, { component, arch: ctx.arch, buildDate: facts.time, outFile, wrapperDir: wrapperDir(recipe.component), cgoEnv: cross.recorded });
  const started = Date.now();
  const result = await ctx.progress.during(recipe.component, `building ${recipe.name}`, () =>
    run({ cmd: spec.cmd, args: spec.args, cwd: spec.cwd, env: { ...ctx.env, ...spec.env, ...cross.local }, purpose: `building ${recipe.name}` }),
  );
  if (result.code !== 0) throw classifyBuildFailure(recipe.component, recipe.name, result.stderr);
  const ldflags = spec.args[spec.args.indexOf('-ldflags') + 1] ?? '';
  return {
    ...recordIdentity(recipe, recipe.aliases ?? []),
    source: { type: 'go-module', module: mainModule, version: component.version, sum: sums.get(`${mainModule}@${component.version}`) ?? facts.sum, package: recipe.package === '.' ? `go/${recipe.component} (wrapper main)` : recipe.package },
    goVersion: ctx.toolchain.go,
    ...(cgo ? { compiler: ctx.toolchain.cc } : {}),
    ...(linksSeccomp(recipe, ctx.arch) && ctx.toolchain.libseccomp ? { libraries: { libseccomp: ctx.toolchain.libseccomp } } : {}),
    buildFlags: { trimpath: true, tags: recipe.tags, ldflags, env: spec.env },
    ...(await describeOutput(outFile, started)),
  };
}

async function buildC(ctx: BuildContext, recipe: CBinaryRecipe): Promise<BinaryRecord> {
  const owner = components[recipe.source.component];
  const module = owner.modules[0] ?? '';
  const facts = await readModuleFacts(recipe.source.component, module, owner.version);
  const src = join(facts.dir, recipe.source.path);
  const component = components[recipe.component];
  const outFile = join(ctx.outDir, 'bin', recipe.name);
  const cflags = recipe.cflags.map((f) => expandPlaceholders(f, component, facts.time));
  // -s strips symbols like upstream's `strip`; the prefix map keeps the module
  // cache path out of the binary so another machine builds the same bytes.
  const args = [...cflags, '-s', `-ffile-prefix-map=${facts.dir}=.`, '-o', outFile, src];
  const started = Date.now();
  const result = await run({ cmd: ctx.toolchain.ccCommand ?? 'gcc', args, env: { ...ctx.env, SOURCE_DATE_EPOCH: String(Math.floor(Date.parse(facts.time) / 1000)) }, purpose: `compiling ${recipe.name}` });
  if (result.code !== 0) throw classifyBuildFailure(recipe.component, recipe.name, result.stderr);
  return {
    ...recordIdentity(recipe, []),
    source: { type: 'c-source', module, version: owner.version, sum: facts.sum, file: recipe.source.path, fileSha256: await sha256File(src) },
    compiler: ctx.toolchain.cc,
    buildFlags: { cflags: [...cflags, '-s'] },
    ...(await describeOutput(outFile, started)),
  };
}

async function takeDebianFile(ctx: BuildContext, recipe: DebBinaryRecipe): Promise<BinaryRecord> {
  const pin = debianPinOf(components[recipe.component], ctx.arch);
  if ('missing' in pin) throw new RfoError('RFO_BUILD_FAILED', pin.missing, { hint: 'the build plan skips such recipes; this is a bug in rfo' });
  const outFile = join(ctx.outDir, 'bin', recipe.name);
  const started = Date.now();
  const debSha256 = await ctx.progress.during(recipe.component, `taking ${recipe.file} from ${pin.package} ${pin.version}`, () => extractDebianFile(pin, recipe.file, outFile, join(ctx.outDir, 'work')));
  await rm(join(ctx.outDir, 'work'), { recursive: true, force: true });
  return {
    ...recordIdentity(recipe, []),
    source: { type: 'debian-package', package: pin.package, version: pin.version, arch: pin.arch, debSha256, file: recipe.file },
    buildFlags: {},
    ...(await describeOutput(outFile, started)),
  };
}

/**
 * A C program with its own make (busybox): the pinned tarball unpacked into
 * the partial dir, `make <config>`, the recipe's options set, `make`.
 * KCONFIG_NOTIMESTAMP keeps the build time out of the binary, so another
 * machine builds the same bytes.
 */
async function buildMake(ctx: BuildContext, recipe: MakeBinaryRecipe): Promise<BinaryRecord> {
  const component = components[recipe.component];
  const pin = component.sourceTarball;
  const work = join(ctx.outDir, 'work');
  const started = Date.now();
  const src = await ctx.progress.during(recipe.component, `fetching ${pin?.url ?? 'its source'}`, () => unpackSourceTarball(component, work));
  const env = { ...ctx.env, KCONFIG_NOTIMESTAMP: '1', CC: ctx.toolchain.ccCommand ?? 'gcc' };
  const make = async (args: string[]) => {
    const r = await run({ cmd: 'make', args, cwd: src, env, purpose: `make ${args.join(' ')} (${recipe.name})` });
    if (r.code !== 0) throw classifyBuildFailure(recipe.component, recipe.name, r.stderr);
  };
  await make([recipe.config]);
  await writeFile(join(src, '.config'), renderKconfig(await readFile(join(src, '.config'), 'utf8'), recipe.set));
  await ctx.progress.during(recipe.component, `building ${recipe.name} (make)`, () => make([`-j${availableParallelism()}`, `CC=${env.CC}`, recipe.output]));
  const outFile = join(ctx.outDir, 'bin', recipe.name);
  await copyFile(join(src, recipe.output), outFile);
  await rm(work, { recursive: true, force: true });
  return {
    ...recordIdentity(recipe, []),
    source: { type: 'source-tarball', url: pin?.url ?? '', sha256: pin?.sha256 ?? '' },
    compiler: ctx.toolchain.cc,
    buildFlags: { config: recipe.config, set: recipe.set },
    ...(await describeOutput(outFile, started)),
  };
}

export interface BuildArtifactOptions {
  readonly arch: Arch;
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
  /** Extra environment, e.g. a private GOCACHE for a reproducibility check. */
  readonly env?: NodeJS.ProcessEnv;
  /** Build somewhere else than step.dir (reproducibility check). */
  readonly outDir?: string;
}

export async function buildArtifact(step: ArtifactStep, options: BuildArtifactOptions): Promise<BinaryRecord[]> {
  const finalDir = options.outDir ?? step.dir;
  const partial = `${finalDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'bin'), { recursive: true });
  const ctx: BuildContext = { step, arch: options.arch, toolchain: options.toolchain, outDir: partial, env: options.env ?? process.env, progress: options.progress };
  const sums = parseGoSum(await readFile(join(wrapperDir(step.component), 'go.sum'), 'utf8').catch(() => ''));
  try {
    const records: BinaryRecord[] = [];
    for (const recipe of step.recipes) {
      if (recipe.kind === 'go-binary') records.push(await buildGo(ctx, recipe, sums));
      else if (recipe.kind === 'c-binary') records.push(await buildC(ctx, recipe));
      else if (recipe.kind === 'make-binary') records.push(await buildMake(ctx, recipe));
      else records.push(await takeDebianFile(ctx, recipe));
    }
    await writeFile(join(partial, artifactRecordFile), `${JSON.stringify(records, null, 2)}\n`);
    await rm(finalDir, { recursive: true, force: true });
    await rename(partial, finalDir);
    return records;
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new RfoError('RFO_DISK_FULL', `${step.component}: no space left while writing the build output`, { hint: 'free disk space in the cache directory', cause: err });
    }
    throw err;
  }
}

export async function readArtifactRecords(dir: string): Promise<BinaryRecord[]> {
  return JSON.parse(await readFile(join(dir, artifactRecordFile), 'utf8')) as BinaryRecord[];
}

export async function isArtifactComplete(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, artifactRecordFile));
    return true;
  } catch {
    return false;
  }
}

