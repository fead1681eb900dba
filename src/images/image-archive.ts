// Pure: image archives holding one or more images, in the OCI image layout
// (oci-layout, index.json, blobs/sha256/...) with a docker-archive
// manifest.json beside it, so both `ctr images import` and docker-style
// loaders accept the same file. Each index entry carries the
// io.containerd.image.name annotation: without it containerd would name the
// image import-<date> instead of the reference our manifests use.

import { zstdCompressSync, zstdDecompressSync, gzipSync } from 'node:zlib';
import { RfoError } from '../errors.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { readTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import { mediaTypes } from './build-image.ts';
import type { Blob, BuiltImage } from './build-image.ts';

export interface ArchivedImage {
  readonly ref: string;
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
}

const blobPath = (digest: string) => `blobs/sha256/${digest.replace(/^sha256:/, '')}`;

/** The tag part of a reference (registry.k8s.io/pause:3.10.2 → 3.10.2). */
export function refTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

export function renderImageArchive(images: readonly BuiltImage[]): Buffer {
  const blobs = new Map<string, Blob>();
  for (const image of images) for (const b of [image.manifest, image.config, ...image.layers]) blobs.set(b.digest, b);
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: images.map((image) => ({
      mediaType: mediaTypes.manifest,
      digest: image.manifest.digest,
      size: image.manifest.data.length,
      platform: { architecture: image.arch, os: 'linux' },
      annotations: { 'io.containerd.image.name': image.ref, 'org.opencontainers.image.ref.name': refTag(image.ref) },
    })),
  };
  const dockerManifest = images.map((image) => ({
    Config: blobPath(image.config.digest),
    RepoTags: [image.ref],
    Layers: image.layers.map((l) => blobPath(l.digest)),
  }));
  const entries: TarEntry[] = [
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
    ...[...blobs.keys()].sort().map((digest): TarEntry => ({ type: 'file', path: blobPath(digest), content: blobs.get(digest)?.data ?? Buffer.alloc(0), mode: 0o644 })),
    { type: 'file', path: 'index.json', content: Buffer.from(canonicalJson(index)), mode: 0o644 },
    { type: 'file', path: 'manifest.json', content: Buffer.from(canonicalJson(dockerManifest)), mode: 0o644 },
    { type: 'file', path: 'oci-layout', content: Buffer.from(canonicalJson({ imageLayoutVersion: '1.0.0' })), mode: 0o644 },
  ];
  return writeTar(entries);
}

export function describeImages(images: readonly BuiltImage[]): ArchivedImage[] {
  return images.map((i) => ({
    ref: i.ref,
    manifestDigest: i.manifest.digest,
    configDigest: i.config.digest,
    layers: i.layers.map((l) => ({ digest: l.digest, size: l.data.length })),
  }));
}

function bad(detail: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image archive: ${detail}`, { hint: 'rebuild the runtime (npm run build:runtime) or re-copy the archive' });
}

interface IndexJson {
  manifests?: { digest?: string; annotations?: Record<string, string> }[];
}
interface ManifestJson {
  config?: { digest?: string };
  layers?: { digest?: string; size?: number }[];
}

/** Parse and verify an archive: every blob matches its digest, every reference resolves. */
export function readImageArchive(data: Buffer): ArchivedImage[] {
  const raw = data.length > 4 && data.readUInt32LE(0) === 0xfd2fb528 ? zstdDecompressSync(data) : data;
  const files = new Map<string, Buffer>();
  for (const e of readTar(raw, 'image archive')) if (e.type === 'file') files.set(e.path.replace(/^\.\//, ''), e.content);
  if (!files.has('oci-layout')) throw bad('oci-layout is missing');
  const indexBytes = files.get('index.json');
  if (!indexBytes) throw bad('index.json is missing');
  for (const [path, content] of files) {
    if (path.startsWith('blobs/sha256/') && sha256Hex(content) !== path.slice('blobs/sha256/'.length)) throw bad(`blob ${path} does not match its digest`);
  }
  const blob = (digest: string | undefined, what: string): Buffer => {
    const b = digest ? files.get(blobPath(digest)) : undefined;
    if (!b) throw bad(`${what} ${digest ?? '(none)'} is missing`);
    return b;
  };
  const index = JSON.parse(indexBytes.toString()) as IndexJson;
  if (!index.manifests?.length) throw bad('index.json lists no images');
  return index.manifests.map((entry) => {
    const ref = entry.annotations?.['io.containerd.image.name'];
    if (!ref) throw bad(`manifest ${entry.digest ?? ''} has no io.containerd.image.name annotation`);
    const manifest = JSON.parse(blob(entry.digest, 'manifest').toString()) as ManifestJson;
    blob(manifest.config?.digest, `config of ${ref}`);
    const layers = (manifest.layers ?? []).map((l) => ({ digest: l.digest ?? '', size: blob(l.digest, `layer of ${ref}`).length }));
    return { ref, manifestDigest: entry.digest ?? '', configDigest: manifest.config?.digest ?? '', layers };
  });
}

export type Compression = 'none' | 'gzip' | 'zstd';

/** Compression for distribution; deterministic for a given Node (zlib, zstd) version. */
export function compressArchive(data: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(data, { level: 9 });
  if (compression === 'zstd') return zstdCompressSync(data);
  return data;
}
