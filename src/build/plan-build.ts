// Pure: decide what a runtime build has to do. Each component's binaries are
// cached as one artifact directory keyed by everything that shapes their
// bytes (version table entry, recipes, wrapper module files, toolchain,
// arch). The runtime directory's key hashes all artifact keys plus the image
// recipes, so a change in any input rebuilds exactly what depends on it.

import { join } from 'node:path';
import { hashJson } from '../util/canonical-json.ts';
import { binaryRecipes, imageRecipes, linksSeccomp, usesCgo } from '../versions/recipes.ts';
import type { BinaryRecipe, ImageRecipe } from '../versions/recipes.ts';
import { components, rfoRevision, vulnDatabase } from '../versions/table.ts';
import type { Arch, Component, ComponentId } from '../versions/table.ts';
import { chartKeyOf, packagedCharts } from '../charts/packaged-charts.ts';
import { debianPackage, debianPin } from '../versions/debian-packages.ts';
import type { DebianPackage } from '../versions/debian-packages.ts';
import { debianPinOf } from './plan-debian-pin.ts';
import type { PackagedChart } from '../charts/packaged-charts.ts';

/**
 * Bump when the code that writes runtime files changes its output (image
 * archive layout, manifest shape), so cached runtimes are rebuilt.
 */
export const runtimeFormatVersion = 1;

export interface ToolchainFacts {
  /** `go env GOVERSION`, e.g. go1.26.8. */
  readonly go: string;
  /** First line of `<cc> --version` for the target arch; only C and cgo artifacts depend on it. */
  readonly cc: string;
  /** The C compiler command: gcc (default) natively, Debian's <triplet>-gcc for a cross build. */
  readonly ccCommand?: string;
  /** The static libseccomp runc links, e.g. 'libseccomp-dev:arm64 2.5.4-1+deb12u1'; part of runc's key. */
  readonly libseccomp?: string;
  /** Where pkg-config finds the target's libraries (cross builds); a host path, in no key. */
  readonly pkgConfigLibdir?: string;
}

export interface BuildPlanInput {
  readonly arch: Arch;
  readonly hostArch: Arch;
  readonly cacheDir: string;
  readonly toolchain: ToolchainFacts;
  /** sha256 of each wrapper module's files (go.mod, go.sum, *.go), by component. */
  readonly wrapperHashes: Readonly<Partial<Record<ComponentId, string>>>;
  /** Artifact keys already complete in the cache. */
  readonly cachedArtifactKeys: ReadonlySet<string>;
  /** Restrict to these components (e.g. for a quick rebuild); undefined = all. */
  readonly only?: readonly ComponentId[];
  /** The tables to plan from; default to the pinned ones (tests pass variants). */
  readonly table?: Readonly<Record<ComponentId, Component>>;
  readonly binaryRecipes?: readonly BinaryRecipe[];
  readonly imageRecipes?: readonly ImageRecipe[];
  readonly charts?: readonly PackagedChart[];
  readonly rfoRevision?: number;
  /** A base root file system for the images instead of scratch (e.g. an exported openEuler image). */
  readonly baseRootfs?: BaseRootfs;
  /** The pinned vulnerability database (default: table.ts vulnDatabase); named in the manifest. */
  readonly vulnDatabase?: { readonly module: string; readonly version: string; readonly sum: string };
}

export interface BaseRootfs {
  readonly path: string;
  readonly name: string;
  /** sha256 of the file: part of the runtime key, so a new base rebuilds the images. */
  readonly sha256: string;
}

export interface ArtifactStep {
  readonly component: ComponentId;
  readonly key: string;
  readonly dir: string;
  readonly recipes: readonly BinaryRecipe[];
  readonly cached: boolean;
}

export interface SkippedRecipe {
  readonly name: string;
  readonly reason: string;
}

export interface BuildPlan {
  readonly arch: Arch;
  /** Where downloads (Debian packages) are cached beside the artifacts. */
  readonly cacheDir: string;
  readonly runtimeKey: string;
  readonly runtimeDir: string;
  readonly steps: readonly ArtifactStep[];
  readonly images: readonly ImageRecipe[];
  /** Packaged charts (charts/<name>.tgz), for the components whose images this runtime has. */
  readonly charts: readonly PackagedChart[];
  readonly skipped: readonly SkippedRecipe[];
  readonly baseRootfs?: BaseRootfs;
}

export function needsCc(recipes: readonly BinaryRecipe[], arch: Arch): boolean {
  return recipes.some((r) => r.kind === 'c-binary' || r.kind === 'make-binary' || (r.kind === 'go-binary' && usesCgo(r, arch)));
}

export function needsSeccomp(recipes: readonly BinaryRecipe[], arch: Arch): boolean {
  return recipes.some((r) => r.kind === 'go-binary' && linksSeccomp(r, arch));
}

export function artifactKey(component: ComponentId, recipes: readonly BinaryRecipe[], input: BuildPlanInput): string {
  const sources = new Set<ComponentId>([component]);
  for (const r of recipes) if (r.kind === 'c-binary') sources.add(r.source.component);
  return hashJson({
    format: runtimeFormatVersion,
    arch: input.arch,
    components: [...sources].sort().map((id) => (input.table ?? components)[id]),
    wrappers: [...sources].sort().map((id) => input.wrapperHashes[id] ?? null),
    recipes,
    go: input.toolchain.go,
    cc: needsCc(recipes, input.arch) ? input.toolchain.cc : null,
    // The libseccomp linked into runc shapes its bytes like the compiler does.
    ...(needsSeccomp(recipes, input.arch) ? { libseccomp: input.toolchain.libseccomp ?? null } : {}),
  });
}

export function planBuild(input: BuildPlanInput): BuildPlan {
  const steps: ArtifactStep[] = [];
  const skipped: SkippedRecipe[] = [];
  const table = input.table ?? components;
  // Tools are built only when asked for by name; they never enter a runtime.
  const ids = (Object.keys(table) as ComponentId[]).filter((id) => (input.only ? input.only.includes(id) : table[id].tool !== true));
  for (const id of ids) {
    // Every recipe builds for every arch (C and cgo ones with Debian's cross
    // compilers off the host arch), except a Debian package not pinned for it.
    const recipes: BinaryRecipe[] = [];
    for (const recipe of (input.binaryRecipes ?? binaryRecipes).filter((r) => r.component === id)) {
      const pin = recipe.kind === 'deb-binary' ? debianPinOf(table[id], input.arch) : undefined;
      if (pin && 'missing' in pin) skipped.push({ name: recipe.name, reason: pin.missing });
      else recipes.push(recipe);
    }
    if (recipes.length === 0) continue;
    const key = artifactKey(id, recipes, input);
    steps.push({
      component: id,
      key,
      dir: join(input.cacheDir, 'artifacts', input.arch, `${id}-${key.slice(0, 16)}`),
      recipes,
      cached: input.cachedArtifactKeys.has(key),
    });
  }
  const built = new Set(steps.flatMap((s) => s.recipes.map((r) => r.name)));
  const images: ImageRecipe[] = [];
  for (const image of (input.imageRecipes ?? imageRecipes).filter((i) => !input.only || input.only.includes(i.component))) {
    const missing = image.files.filter((f) => !built.has(f.from)).map((f) => f.from);
    const unpinned = (image.debianFiles ?? []).map((d) => d.package).filter((name) => !debianPin(debianPackage(name), input.arch));
    if (missing.length > 0) skipped.push({ name: image.ref, reason: `its binaries are not built for ${input.arch}: ${missing.join(', ')}` });
    else if (unpinned.length > 0) skipped.push({ name: image.ref, reason: `no Debian packages pinned for ${input.arch}: ${[...new Set(unpinned)].join(', ')}` });
    else images.push(image);
  }
  const withImages = new Set(images.map((i) => i.component));
  // A chart of data (the Gateway API CRDs) has no image: it comes with every runtime that is not --only something else.
  const charts = (input.charts ?? packagedCharts()).filter((c) => (c.fromModule !== undefined ? !input.only || input.only.includes(c.component) : [c.component, ...(c.alsoRuns ?? [])].every((id) => withImages.has(id))));
  const runtimeKey = hashJson({
    format: runtimeFormatVersion,
    arch: input.arch,
    rfoRevision: input.rfoRevision ?? rfoRevision,
    artifacts: steps.map((s) => s.key),
    images,
    // The chart files themselves: a changed template makes a new runtime.
    charts: charts.map(chartKeyOf),
    base: input.baseRootfs ? { name: input.baseRootfs.name, sha256: input.baseRootfs.sha256 } : 'scratch',
    // The manifest names the vulnerability database the runtime is scanned against.
    vulnDatabase: input.vulnDatabase ?? vulnDatabase,
    // The pinned .debs the images take files from: this arch's pin only, so pinning another arch's .deb changes no runtime of this one.
    debianPackages: [...new Set(images.flatMap((i) => (i.debianFiles ?? []).map((d) => d.package)))].sort().map((name) => pinForKey(debianPackage(name), input.arch)),
  }).slice(0, 24);
  return {
    arch: input.arch,
    cacheDir: input.cacheDir,
    runtimeKey,
    runtimeDir: join(input.cacheDir, 'runtime', runtimeKey),
    steps,
    images,
    charts,
    skipped,
    ...(input.baseRootfs ? { baseRootfs: input.baseRootfs } : {}),
  };
}

/** A package as the runtime key holds it: its sha256 map cut to the one pin the arch uses (the record before arm64 pins existed, for amd64). */
function pinForKey(p: DebianPackage, arch: Arch): DebianPackage {
  const pin = debianPin(p, arch);
  return { ...p, sha256: pin ? { [pin.debArch]: pin.sha256 } : {} };
}

/** Node's process.arch → Go's GOARCH naming. */
export function goArch(nodeArch: string): Arch {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'arm64':
      return 'arm64';
    case 'riscv64':
      return 'riscv64';
    default:
      throw new Error(`unsupported host architecture ${nodeArch}`);
  }
}
