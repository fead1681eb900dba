// Builds the runtime's images from its own binaries: one archive per image
// (images/<name>.tar) and the airgap bundle with all of them
// (images/rfo-images.linux-<arch>.tar.zst), each importable with
// `ctr -n k8s.io images import`.

import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildImage } from '../images/build-image.ts';
import { fileCapabilities } from '../images/file-capabilities.ts';
import type { BuiltImage, ImageFileSpec, ImageSymlinkSpec } from '../images/image-spec.ts';
import { debianFilesFor, planDebianFiles } from '../images/plan-debian-files.ts';
import type { DebEntry } from '../images/plan-debian-files.ts';
import { debianPackage, debianPin, debianRelease } from '../versions/debian-packages.ts';
import { fetchDeb, unpackDeb } from './debian-fetch.ts';
import { writeImageArchive } from '../images/write-archive.ts';
import { maybeGunzip, readTar } from '../util/tar-reader.ts';
import { components } from '../versions/table.ts';
import type { ImageRecipe, LinuxCapability } from '../versions/recipes.ts';
import type { BuildPlan } from './plan-build.ts';
import type { ArtifactRecord, DebianPackageRecord } from './render-manifest.ts';

const capabilityNumbers: Record<LinuxCapability, number> = { CAP_NET_BIND_SERVICE: 10 };

/** images/<last path element of the repository>.tar, e.g. images/coredns.tar. */
export function imageFileName(ref: string): string {
  const colon = ref.lastIndexOf(':');
  const repo = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
  return `${repo.split('/').pop() ?? 'image'}.tar`;
}

export function airgapFileName(arch: string): string {
  return `rfo-images.linux-${arch}.tar.zst`;
}

/** The image's files from pinned Debian packages, and the manifest records of those packages. */
async function debianPart(recipe: ImageRecipe, plan: BuildPlan): Promise<{ files: ImageFileSpec[]; symlinks: ImageSymlinkSpec[]; records: DebianPackageRecord[] }> {
  const wanted = debianFilesFor(recipe.debianFiles ?? [], plan.arch);
  const contents = new Map<string, DebEntry[]>();
  const records: DebianPackageRecord[] = [];
  for (const name of [...new Set(wanted.map((w) => w.package))]) {
    const p = debianPackage(name);
    const deb = await fetchDeb(plan.cacheDir, p, plan.arch);
    contents.set(name, await unpackDeb(deb.path, join(plan.cacheDir, 'debs')));
    records.push({ name, version: p.version, arch: debianPin(p, plan.arch)?.debArch ?? plan.arch, distribution: `debian ${debianRelease}`, sourcePackage: p.source, license: p.license, file: deb.file, sha256: deb.sha256 });
  }
  const planned = planDebianFiles(recipe.ref, wanted, contents);
  return { files: planned.files, symlinks: planned.symlinks, records };
}

async function imageFromRecipe(recipe: ImageRecipe, binDir: string, plan: BuildPlan, baseLayer: Buffer | undefined, debian: { files: ImageFileSpec[]; symlinks: ImageSymlinkSpec[] }): Promise<BuiltImage> {
  const files: ImageFileSpec[] = [...debian.files];
  for (const f of recipe.files) {
    const caps = f.capabilities?.map((c) => capabilityNumbers[c]);
    files.push({
      path: f.to,
      content: await readFile(join(binDir, f.from)),
      mode: f.mode,
      ...(caps && caps.length > 0 ? { xattrs: { 'security.capability': fileCapabilities(caps) } } : {}),
    });
  }
  const base = plan.baseRootfs && baseLayer ? { baseLayer, baseName: baseLabel(plan) } : {};
  const symlinks = [...debian.symlinks, ...(recipe.symlinks ?? [])];
  return buildImage({ ref: recipe.ref, arch: plan.arch, files, config: recipe.config, ...(symlinks.length > 0 ? { symlinks } : {}), ...(recipe.dirs ? { dirs: recipe.dirs } : {}), ...base });
}

function baseLabel(plan: BuildPlan): string {
  return plan.baseRootfs ? `${plan.baseRootfs.name}@sha256:${plan.baseRootfs.sha256}` : 'scratch';
}

export async function writeRuntimeImages(plan: BuildPlan, binDir: string, runtimeDir: string): Promise<ArtifactRecord[]> {
  await mkdir(join(runtimeDir, 'images'), { recursive: true });
  // Validate the base as a tar before it becomes a layer: a corrupt base is
  // refused here, not discovered when containerd unpacks the image.
  let baseLayer: Buffer | undefined;
  if (plan.baseRootfs) {
    baseLayer = maybeGunzip(await readFile(plan.baseRootfs.path));
    readTar(baseLayer, `base root file system ${plan.baseRootfs.path}`);
  }
  const records: ArtifactRecord[] = [];
  const built: BuiltImage[] = [];
  for (const recipe of plan.images) {
    const debian = recipe.debianFiles ? await debianPart(recipe, plan) : { files: [], symlinks: [], records: [] };
    const image = await imageFromRecipe(recipe, binDir, plan, baseLayer, debian);
    built.push(image);
    const path = `images/${imageFileName(recipe.ref)}`;
    const written = await writeImageArchive(join(runtimeDir, path), [image]);
    records.push({
      kind: 'image',
      name: recipe.ref,
      component: recipe.component,
      version: components[recipe.component].version,
      path,
      digest: image.manifest.digest,
      configDigest: image.config.digest,
      layers: written.images[0]?.layers ?? [],
      contents: recipe.files.map((f) => f.from),
      base: baseLabel(plan),
      ...(debian.records.length > 0 ? { debianPackages: debian.records } : {}),
      sha256: written.sha256,
      size: written.size,
    });
  }
  if (built.length > 0) {
    const path = `images/${airgapFileName(plan.arch)}`;
    const written = await writeImageArchive(join(runtimeDir, path), built, 'zstd');
    records.push({ kind: 'archive', name: airgapFileName(plan.arch), path, images: built.map((b) => b.ref), sha256: written.sha256, size: written.size });
  }
  return records;
}
