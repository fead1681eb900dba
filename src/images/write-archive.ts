// Image archives holding one or more images, laid out so both importers
// accept the same file:
//   - OCI image layout (oci-layout, index.json, blobs/sha256/<hex>) for
//     `ctr -n k8s.io images import` (containerd 2.x). Each index entry has
//     the io.containerd.image.name annotation: without it containerd would
//     not name the image as our manifests refer to it.
//   - docker-archive manifest.json ([{Config, RepoTags, Layers}]) beside it,
//     for `docker load` and other docker-archive readers.
// A multi-arch image (image-index.ts) is one index.json entry pointing at its
// image index, with every arch's blobs inside; docker-archive cannot express
// platforms, so manifest.json lists the single-arch images only (and is left
// out when there are none).
// Blobs are stored once however many images share them (a common base
// layer), and the bytes are deterministic. buildImageArchive is pure;
// writeImageArchive is the thin I/O step.

import { rename, writeFile } from 'node:fs/promises';
import { RfoError } from '../errors.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { compressArchive } from '../util/tar-compression.ts';
import type { Compression } from '../util/tar-compression.ts';
import { tarChunks } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import { refTag } from './image-ref.ts';
import { blobPath, mediaTypes } from './media-types.ts';
import type { ArchivedImage, Blob, BuiltImage } from './image-spec.ts';
import { isMultiArch } from './image-index.ts';
import type { MultiArchImage } from './image-index.ts';

export interface ImageArchive {
  readonly bytes: Buffer;
  readonly images: readonly ArchivedImage[];
}

function bad(message: string, hint: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image archive: ${message}`, { hint });
}

export function describeImage(image: BuiltImage, indexDigest?: string): ArchivedImage {
  const layers = image.layers.map((l) => ({ digest: l.digest, size: l.data.length }));
  return {
    ref: image.ref,
    arch: image.arch,
    manifestDigest: image.manifest.digest,
    configDigest: image.config.digest,
    layers,
    size: image.manifest.data.length + image.config.data.length + layers.reduce((sum, l) => sum + l.size, 0),
    ...(indexDigest ? { indexDigest } : {}),
  };
}

/** Every blob once, sorted by digest; a digest that does not match its bytes is refused. */
function collectBlobs(entries: readonly (BuiltImage | MultiArchImage)[]): Blob[] {
  const blobs = new Map<string, Blob>();
  for (const entry of entries) {
    const images = isMultiArch(entry) ? entry.images : [entry];
    const own = isMultiArch(entry) ? [entry.index] : [];
    for (const blob of [...own, ...images.flatMap((image) => [image.manifest, image.config, ...image.layers])]) {
      if (blobs.has(blob.digest)) continue;
      if (blob.digest !== `sha256:${sha256Hex(blob.data)}`) {
        throw bad(`a blob of ${entry.ref} does not match its digest ${blob.digest}`, 'build images with buildImage(); do not edit their blobs');
      }
      blobs.set(blob.digest, blob);
    }
  }
  return [...blobs.values()].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

/** The top-level index.json entry: a platform manifest, or a multi-arch image's index (no platform: it holds them all). */
function topLevelDescriptor(entry: BuiltImage | MultiArchImage): Record<string, unknown> {
  const annotations = { 'io.containerd.image.name': entry.ref, 'org.opencontainers.image.ref.name': refTag(entry.ref) };
  if (isMultiArch(entry)) return { mediaType: entry.index.mediaType, digest: entry.index.digest, size: entry.index.data.length, annotations };
  return { mediaType: entry.manifest.mediaType, digest: entry.manifest.digest, size: entry.manifest.data.length, platform: { architecture: entry.arch, os: 'linux' }, annotations };
}

export function buildImageArchive(images: readonly (BuiltImage | MultiArchImage)[]): ImageArchive {
  if (images.length === 0) throw bad('no images to archive', 'pass at least one built image');
  const refs = new Set<string>();
  for (const image of images) {
    if (refs.has(image.ref)) throw bad(`${image.ref} appears twice`, 'each reference may name one image per archive');
    refs.add(image.ref);
  }
  const index = { schemaVersion: 2, mediaType: mediaTypes.index, manifests: images.map(topLevelDescriptor) };
  const single = images.filter((i): i is BuiltImage => !isMultiArch(i));
  const dockerManifest = single.map((image) => ({
    Config: blobPath(image.config.digest),
    RepoTags: [image.ref],
    Layers: image.layers.map((l) => blobPath(l.digest)),
  }));
  const json = (value: unknown) => Buffer.from(canonicalJson(value));
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
    { type: 'file', path: 'index.json', content: json(index) },
    ...(single.length > 0 ? [{ type: 'file' as const, path: 'manifest.json', content: json(dockerManifest) }] : []),
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    ...collectBlobs(images).map((b): TarEntry => ({ type: 'file', path: blobPath(b.digest), content: b.data })),
  ];
  const described = images.flatMap((i) => (isMultiArch(i) ? i.images.map((image) => describeImage(image, i.index.digest)) : [describeImage(i)]));
  return { bytes: Buffer.concat(tarChunks(entries)), images: described };
}

export interface WrittenArchive {
  readonly images: readonly ArchivedImage[];
  /** sha256 (hex) and size of the file as written, after compression. */
  readonly sha256: string;
  readonly size: number;
}

/** Write an archive (optionally zstd/gzip-compressed) via a temporary name, so a crash never leaves a partial file. */
export async function writeImageArchive(path: string, images: readonly (BuiltImage | MultiArchImage)[], compression: Compression = 'none'): Promise<WrittenArchive> {
  const archive = buildImageArchive(images);
  const bytes = compressArchive(archive.bytes, compression);
  const partial = `${path}.partial-${process.pid}`;
  await writeFile(partial, bytes);
  await rename(partial, path);
  return { images: archive.images, sha256: sha256Hex(bytes), size: bytes.length };
}
