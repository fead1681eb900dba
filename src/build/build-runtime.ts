// The imperative shell of `npm run build:runtime`: gather facts, plan, build
// what the cache lacks, and assemble the runtime directory atomically.

import { readdir, readFile, rename, rm, mkdir, statfs, writeFile, symlink, stat } from 'node:fs/promises';
import { placeFile } from './place-file.ts';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { sha256Hex } from '../util/canonical-json.ts';
import { components, kubernetesVersion, rfoVersion, vulnDatabase } from '../versions/table.ts';
import type { Arch, ComponentId } from '../versions/table.ts';
import { buildArtifact, isArtifactComplete, readArtifactRecords } from './build-artifact.ts';
import { wrapperDir } from './paths.ts';
import { goArch, needsCc, needsSeccomp, planBuild } from './plan-build.ts';
import { ensureCrossToolchain, readToolchain } from './toolchain.ts';
import type { BaseRootfs, BuildPlan, ToolchainFacts } from './plan-build.ts';
import type { Progress } from './progress.ts';
import { formatElapsed } from './progress.ts';
import { renderManifest, renderSha256Sums } from './render-manifest.ts';
import type { ArtifactRecord, BinaryRecord, RuntimeManifest } from './render-manifest.ts';
import { writeRuntimeImages } from './build-images.ts';
import { writeRuntimeCharts } from './write-charts.ts';

/** Cold builds fill the Go build cache too; refuse early rather than die half way. */
const minFreeBytes = 6 * 1024 ** 3;

export interface BuildRuntimeOptions {
  readonly arch?: Arch;
  readonly cacheDir: string;
  readonly only?: readonly ComponentId[];
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
  readonly baseRootfs?: BaseRootfs;
}

export interface BuildRuntimeResult {
  readonly plan: BuildPlan;
  /** The toolchain facts the plan used (a cross build may have installed its C toolchain first). */
  readonly toolchain: ToolchainFacts;
  readonly manifest: RuntimeManifest;
  readonly built: readonly ComponentId[];
}

/**
 * sha256 over a wrapper module's files: go.mod, go.sum and our own .go
 * sources, the stand-in modules under it (unavailable/) included, so editing
 * a stand-in rebuilds the component.
 */
export async function hashWrapper(component: ComponentId): Promise<string | undefined> {
  const dir = wrapperDir(component);
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).filter((n) => /(^|\/)(go\.mod|go\.sum|[^/]*\.go)$/.test(n)).sort();
  } catch {
    return undefined; // C-only components have no wrapper module
  }
  const parts: string[] = [];
  for (const name of names) parts.push(`${name}:${sha256Hex(await readFile(join(dir, name)))}`);
  return sha256Hex(parts.join('\n'));
}

export async function makePlan(options: BuildRuntimeOptions): Promise<BuildPlan> {
  const hostArch = goArch(process.arch);
  const arch = options.arch ?? hostArch;
  const wrapperHashes: Partial<Record<ComponentId, string>> = {};
  for (const id of Object.keys(components) as ComponentId[]) {
    const h = await hashWrapper(id);
    if (h) wrapperHashes[id] = h;
  }
  const input = { arch, hostArch, cacheDir: options.cacheDir, toolchain: options.toolchain, wrapperHashes, only: options.only, baseRootfs: options.baseRootfs };
  const draft = planBuild({ ...input, cachedArtifactKeys: new Set() });
  const cached = new Set<string>();
  for (const step of draft.steps) if (await isArtifactComplete(step.dir)) cached.add(step.key);
  return planBuild({ ...input, cachedArtifactKeys: cached });
}

async function ensureDiskSpace(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (free < minFreeBytes) {
    throw new RfoError('RFO_DISK_FULL', `only ${(free / 1024 ** 3).toFixed(1)} GiB free in ${dir}; a cold runtime build needs about ${minFreeBytes / 1024 ** 3} GiB`, {
      hint: 'free disk space, or point RFO_CACHE_DIR (and GOCACHE) at a larger file system',
    });
  }
}

async function runtimeComplete(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, 'manifest.json'));
    return true;
  } catch {
    return false;
  }
}

/** A cross build with C or cgo artifacts gets Debian's cross toolchain first (its version is in their keys). */
async function toolchainFor(options: BuildRuntimeOptions): Promise<ToolchainFacts> {
  const arch = options.arch ?? goArch(process.arch);
  // Callers pass the host's facts; a cross build's C facts are the cross compiler's.
  const facts = arch === goArch(process.arch) ? options.toolchain : await readToolchain(arch, options.cacheDir);
  const draft = await makePlan({ ...options, toolchain: facts });
  const recipes = draft.steps.flatMap((s) => s.recipes);
  return ensureCrossToolchain(arch, facts, { c: needsCc(recipes, arch), seccomp: needsSeccomp(recipes, arch) }, options.progress);
}

export async function buildRuntime(buildOptions: BuildRuntimeOptions): Promise<BuildRuntimeResult> {
  const options = { ...buildOptions, toolchain: await toolchainFor(buildOptions) };
  const { progress, toolchain } = options;
  const plan = await makePlan(options);
  for (const s of plan.skipped) progress.step(s.name, 'skipped', s.reason);
  const built: ComponentId[] = [];
  if (plan.steps.some((s) => !s.cached)) await ensureDiskSpace(options.cacheDir);
  for (const step of plan.steps) {
    if (step.cached) {
      progress.step(step.component, 'cached', components[step.component].version);
      continue;
    }
    const started = Date.now();
    progress.step(step.component, 'building', `${components[step.component].version} (${step.recipes.map((r) => r.name).join(', ')})`);
    try {
      await buildArtifact(step, { arch: plan.arch, toolchain, progress });
    } catch (err) {
      progress.step(step.component, 'failed', formatElapsed(Date.now() - started));
      throw err;
    }
    built.push(step.component);
    progress.step(step.component, 'done', formatElapsed(Date.now() - started));
  }

  if (await runtimeComplete(plan.runtimeDir)) {
    progress.step('runtime', 'cached', plan.runtimeKey);
    const manifest = JSON.parse(await readFile(join(plan.runtimeDir, 'manifest.json'), 'utf8')) as RuntimeManifest;
    return { plan, manifest, built, toolchain };
  }
  const manifest = await assembleRuntime(plan, options);
  return { plan, manifest, built, toolchain };
}

/** Write bin/, images/, manifest.json and sha256sum-<arch>.txt under a partial name, then rename. */
async function assembleRuntime(plan: BuildPlan, options: BuildRuntimeOptions): Promise<RuntimeManifest> {
  const { progress } = options;
  const partial = `${plan.runtimeDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(join(partial, 'bin'), { recursive: true });
  try {
    const binaries: BinaryRecord[] = [];
    for (const step of plan.steps) {
      for (const record of await readArtifactRecords(step.dir)) {
        await placeFile(join(step.dir, record.path), join(partial, record.path));
        for (const alias of record.aliases) await symlink(record.name, join(partial, 'bin', alias));
        binaries.push(record);
      }
    }
    const started = Date.now();
    progress.step('images', 'building', plan.images.map((i) => i.ref).join(', '));
    const imageRecords = await writeRuntimeImages(plan, join(partial, 'bin'), partial);
    progress.step('images', 'done', formatElapsed(Date.now() - started));
    const chartRecords = await writeRuntimeCharts(plan, partial);
    const artifacts: ArtifactRecord[] = [...binaries, ...imageRecords, ...chartRecords];
    const manifest: RuntimeManifest = {
      schemaVersion: 1,
      rfoVersion: rfoVersion(),
      kubernetesVersion: `v${kubernetesVersion()}`,
      arch: plan.arch,
      key: plan.runtimeKey,
      toolchain: { go: options.toolchain.go, cc: options.toolchain.cc, ...(options.toolchain.libseccomp ? { libseccomp: options.toolchain.libseccomp } : {}) },
      vulnDatabase: { ...vulnDatabase },
      artifacts,
      skipped: plan.skipped,
    };
    await writeFile(join(partial, 'manifest.json'), renderManifest(manifest));
    await writeFile(join(partial, `sha256sum-${plan.arch}.txt`), renderSha256Sums(artifacts));
    await rm(plan.runtimeDir, { recursive: true, force: true });
    await rename(partial, plan.runtimeDir);
    return manifest;
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}
