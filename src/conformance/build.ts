// I/O shell: builds the conformance suite (e2e.test, ginkgo, agnhost) and
// busybox (from its tarball, upstream's defconfig) through the runtime's
// build machinery (same input-hashed artifact cache), asks e2e.test which
// images its specs use, and writes our stand-ins under those references into
// one airgap archive the lab imports.
// The archive is cached under <cache>/conformance/<key>/, keyed by the
// artifacts' keys, the image recipes and the pinned .debs.

import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, runChecked } from '../util/exec.ts';
import { hashJson } from '../util/canonical-json.ts';
import { buildArtifact, readArtifactRecords, readModuleFacts } from '../build/build-artifact.ts';
import { makePlan } from '../build/build-runtime.ts';
import { fetchDeb, unpackDeb } from '../build/debian-fetch.ts';
import { formatElapsed } from '../build/progress.ts';
import type { Progress } from '../build/progress.ts';
import type { ToolchainFacts } from '../build/plan-build.ts';
import { buildImage } from '../images/build-image.ts';
import type { Blob, BuiltImage, ImageFileSpec } from '../images/image-spec.ts';
import { debianFilesFor, planDebianFiles } from '../images/plan-debian-files.ts';
import type { DebEntry } from '../images/plan-debian-files.ts';
import { writeImageArchive } from '../images/write-archive.ts';
import { debianPackage } from '../versions/debian-packages.ts';
import { imageRecipes, recipesFor } from '../versions/recipes.ts';
import { expandPlaceholders } from '../build/render-go-build.ts';
import { components } from '../versions/table.ts';
import type { Arch, ComponentId } from '../versions/table.ts';
import { busyboxApplets, conformanceImageRecipes, diffApplets } from './images.ts';
import type { ConformanceFileSource, ConformanceImageRecipe, ConformanceLayer } from './images.ts';
import { e2eImagePrefix, imageName, parseListImages, planConformanceImages } from './plan-images.ts';
import { conformanceFileImages, missingSpecImages, parseImageConfigs } from './spec-images.ts';
import type { ImagePlan } from './plan-images.ts';

/** Bump when the archive's layout changes. */
const imagesFormat = 2;

export interface ConformanceBuild {
  /** Binary name → path: e2e.test, ginkgo, agnhost, busybox. */
  readonly bin: Readonly<Record<string, string>>;
  /** The airgap archive with every stand-in image. */
  readonly imagesArchive: string;
  readonly imagePlan: ImagePlan;
  /** Minutes each cold step took (0 when cached), for the report. */
  readonly timings: Readonly<Record<string, number>>;
  /** Images that files with [Conformance] specs name and no recipe builds: those specs cannot pass. */
  readonly specImagesMissing: readonly { readonly name: string; readonly files: readonly string[] }[];
}

export interface BuildConformanceOptions {
  readonly cacheDir: string;
  readonly toolchain: ToolchainFacts;
  readonly progress: Progress;
}

// etcd: the runtime's, as the Aggregator spec's etcd image; lab-registry serves the images to pulls.
const suiteComponents: readonly ComponentId[] = ['conformance', 'conformance-busybox', 'etcd', 'lab-registry'];

async function buildBinaries(options: BuildConformanceOptions, timings: Record<string, number>): Promise<{ bin: Record<string, string>; keys: string[]; arch: Arch }> {
  const plan = await makePlan({ cacheDir: options.cacheDir, only: suiteComponents, toolchain: options.toolchain, progress: options.progress });
  const bin: Record<string, string> = {};
  for (const step of plan.steps) {
    const started = Date.now();
    if (step.cached) options.progress.step(step.component, 'cached', components[step.component].version);
    else {
      options.progress.step(step.component, 'building', `${components[step.component].version} (${step.recipes.map((r) => r.name).join(', ')}; e2e.test takes 15-30 min cold on 2 cores)`);
      await buildArtifact(step, { arch: plan.arch, toolchain: options.toolchain, progress: options.progress });
      timings[step.component] = (Date.now() - started) / 60_000;
      options.progress.step(step.component, 'done', formatElapsed(Date.now() - started));
    }
    for (const record of await readArtifactRecords(step.dir)) bin[record.name] = join(step.dir, record.path);
  }
  await checkVersions(bin);
  return { bin, keys: plan.steps.map((s) => s.key), arch: plan.arch };
}

/**
 * Each suite binary answers its recipe's version check, and busybox has
 * exactly the applets the images link (a missing one would be a dangling
 * link in every image).
 */
async function checkVersions(bin: Record<string, string>): Promise<void> {
  for (const recipe of [...recipesFor('conformance'), ...recipesFor('conformance-busybox')]) {
    const path = bin[recipe.name];
    const expect = expandPlaceholders(recipe.versionCheck.expect, components[recipe.component], '');
    const r = path ? await run({ cmd: path, args: [...recipe.versionCheck.args], purpose: `checking ${recipe.name}'s version` }) : undefined;
    if (!r || !(r.stdout + r.stderr).includes(expect)) {
      throw new RfoError('RFO_BUILD_FAILED', `${recipe.name} ${recipe.versionCheck.args.join(' ')} does not print ${expect}`, { hint: 'check the conformance recipes in src/versions/recipes.ts' });
    }
  }
  const listed = (await runChecked({ cmd: bin['busybox-defconfig'] ?? 'busybox-defconfig', args: ['--list'], purpose: 'listing the busybox applets' })).stdout.split('\n').filter(Boolean);
  const diff = diffApplets(listed, busyboxApplets);
  if (diff) throw new RfoError('RFO_BUILD_FAILED', `busybox's applets differ from busyboxApplets: ${diff}`, { hint: 'update busyboxApplets in src/conformance/images.ts to what the built busybox lists' });
}

async function fileContent(name: string, from: ConformanceFileSource, bin: Record<string, string>, moduleDir: string): Promise<Buffer> {
  if ('binary' in from) {
    const path = bin[from.binary];
    if (!path) throw new RfoError('RFO_BUILD_FAILED', `image ${name}: no ${from.binary} binary was built`, { hint: 'a bug in src/conformance/build.ts' });
    return readFile(path);
  }
  if ('moduleFile' in from) return readFile(join(moduleDir, from.moduleFile));
  return Buffer.from(from.text);
}

async function debianFiles(name: string, layer: ConformanceLayer, arch: Arch, cacheDir: string, unpacked: Map<string, DebEntry[]>) {
  const wanted = debianFilesFor(layer.debianFiles ?? [], arch);
  for (const name of new Set(wanted.map((w) => w.package))) {
    if (unpacked.has(name)) continue;
    const deb = await fetchDeb(cacheDir, debianPackage(name), arch);
    unpacked.set(name, await unpackDeb(deb.path, join(cacheDir, 'debs')));
  }
  return planDebianFiles(name, wanted, unpacked);
}

interface LayerContext {
  readonly bin: Record<string, string>;
  readonly arch: Arch;
  readonly cacheDir: string;
  readonly moduleDir: string;
  readonly unpacked: Map<string, DebEntry[]>;
}

/** A layer's files, symlinks and directories: the Debian part first, ours over it. */
async function layerSpec(name: string, layer: ConformanceLayer, ctx: LayerContext) {
  const debian = await debianFiles(name, layer, ctx.arch, ctx.cacheDir, ctx.unpacked);
  const ours: ImageFileSpec[] = [];
  for (const f of layer.files) ours.push({ path: f.path, content: await fileContent(name, f.from, ctx.bin, ctx.moduleDir), mode: f.mode });
  const taken = new Set(ours.map((f) => f.path));
  return {
    files: [...debian.files.filter((f) => !taken.has(f.path)), ...ours],
    symlinks: [...debian.symlinks, ...(layer.symlinks ?? [])],
    ...(layer.dirs ? { dirs: layer.dirs } : {}),
  };
}

/** A shared lower layer's tar, built once per base: the same bytes under every image that names it. */
async function baseLayer(recipe: ConformanceImageRecipe, ctx: LayerContext, built: Map<string, Blob>): Promise<Blob | undefined> {
  if (!recipe.base) return undefined;
  const known = built.get(recipe.base.name);
  if (known) return known;
  const image = buildImage({ ref: 'rfo.invalid/conformance-base:layer', arch: ctx.arch, ...(await layerSpec(recipe.base.name, recipe.base.layer, ctx)), config: {} });
  const layer = image.layers[0];
  if (!layer) throw new RfoError('RFO_IMAGE_INVALID', `the base layer of ${recipe.name} is empty`, { hint: 'check src/conformance/images.ts' });
  built.set(recipe.base.name, layer);
  return layer;
}

async function buildImages(plan: ImagePlan, bin: Record<string, string>, arch: Arch, options: BuildConformanceOptions, dir: string, moduleDir: string): Promise<void> {
  const ctx: LayerContext = { bin, arch, cacheDir: options.cacheDir, moduleDir, unpacked: new Map() };
  const bases = new Map<string, Blob>();
  const built: BuiltImage[] = [];
  for (const { recipe, refs } of plan.build) {
    const top = await layerSpec(recipe.name, recipe, ctx);
    const base = await baseLayer(recipe, ctx, bases);
    for (const ref of refs) {
      built.push(buildImage({ ref, arch, ...top, ...(base && recipe.base ? { baseLayer: base.data, baseName: recipe.base.name } : {}), config: recipe.config }));
      options.progress.info(`image ${ref}`);
    }
  }
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const written = await writeImageArchive(join(partial, archiveName(arch)), built, 'zstd');
  await writeFile(join(partial, 'images.json'), `${JSON.stringify({ images: built.map((b) => ({ ref: b.ref, digest: b.manifest.digest })), sha256: written.sha256, size: written.size }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
}

/** The pinned module's test/e2e sources and image manifest: which images the files with conformance specs name. */
async function readSpecImages(moduleDir: string): Promise<Map<string, string[]>> {
  const configs = parseImageConfigs(await readFile(join(moduleDir, 'test', 'utils', 'image', 'manifest.go'), 'utf8'));
  const names = (await readdir(join(moduleDir, 'test', 'e2e'), { recursive: true })).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'));
  const files = await Promise.all(names.map(async (n) => ({ path: `test/e2e/${n}`, text: await readFile(join(moduleDir, 'test', 'e2e', n), 'utf8') })));
  return conformanceFileImages(files, configs);
}

const archiveName = (arch: Arch) => `conformance-images.linux-${arch}.tar.zst`;

export async function buildConformance(options: BuildConformanceOptions): Promise<ConformanceBuild> {
  const timings: Record<string, number> = {};
  const { bin, keys, arch } = await buildBinaries(options, timings);
  const e2e = bin['e2e.test'];
  if (!e2e) throw new RfoError('RFO_BUILD_FAILED', 'the conformance build produced no e2e.test', { hint: 'check the conformance recipes in src/versions/recipes.ts' });
  const listed = parseListImages((await runChecked({ cmd: e2e, args: ['--list-images'], purpose: 'listing the e2e images' })).stdout);
  const runtimeImages = imageRecipes.map((r) => r.ref);
  const imagePlan = planConformanceImages(listed, conformanceImageRecipes, runtimeImages);
  // The pinned Kubernetes module's files: the images' moduleFile sources and the spec sources read below.
  const moduleDir = (await readModuleFacts('conformance', 'k8s.io/kubernetes', components.conformance.version)).dir;
  const key = hashJson({
    format: imagesFormat,
    arch,
    artifacts: keys,
    build: imagePlan.build,
    debs: [...new Set(imagePlan.build.flatMap((b) => (b.recipe.debianFiles ?? []).map((d) => d.package)))].sort().map((n) => debianPackage(n)),
  }).slice(0, 24);
  const dir = join(options.cacheDir, 'conformance', key);
  const archive = join(dir, archiveName(arch));
  if (await stat(join(dir, 'images.json')).then(() => true, () => false)) options.progress.step('images', 'cached', dir);
  else {
    const started = Date.now();
    options.progress.step('images', 'building', `${imagePlan.build.flatMap((b) => b.refs).length} images`);
    await buildImages(imagePlan, bin, arch, options, dir, moduleDir);
    timings.images = (Date.now() - started) / 60_000;
    options.progress.step('images', 'done', `${formatElapsed(Date.now() - started)}, ${archive} (${((await stat(archive)).size / 1024 ** 2).toFixed(1)} MiB)`);
  }
  // Most listed images belong to non-conformance specs (storage drivers, node perf); summary.json lists each.
  const reasons = new Map<string, string[]>();
  for (const n of imagePlan.notBuilt) reasons.set(n.reason, [...(reasons.get(n.reason) ?? []), imageName(n.ref)]);
  for (const [reason, names] of reasons) options.progress.info(`${names.length} listed images not built, ${reason}: ${[...new Set(names)].join(', ')}`);
  const specImagesMissing = missingSpecImages(await readSpecImages(moduleDir), new Set(imagePlan.notBuilt.filter((n) => n.ref.startsWith(e2eImagePrefix)).map((n) => imageName(n.ref))));
  return { bin, imagesArchive: archive, imagePlan, timings, specImagesMissing };
}
