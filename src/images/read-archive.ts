// Pure: parse an image archive (as write-archive.ts makes it; plain, gzip or
// zstd) and prove it importable before it ships: every blob matches its
// digest, every manifest's config and layers exist with the sizes the
// descriptors claim, each config's diff_ids match its layers, every image
// carries its reference, and the docker manifest.json agrees with the OCI
// index. A reference may name a multi-arch image index (image-index.ts):
// then every arch's manifest it lists is checked the same way (all blobs
// inside, as `ctr images import --all-platforms` needs). The first problem
// found is reported by name.

import { RfoError } from '../errors.ts';
import { sha256Hex } from '../util/canonical-json.ts';
import { iterateTar } from '../util/tar-reader.ts';
import { blobPath, manifestTypes, mediaTypes, uncompressedLayerTypes } from './media-types.ts';
import type { ArchivedImage, Blob, BuiltImage } from './image-spec.ts';

interface Descriptor {
  mediaType?: unknown;
  digest?: unknown;
  size?: unknown;
  platform?: { architecture?: unknown };
  annotations?: Record<string, unknown>;
}

function bad(detail: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image archive: ${detail}`, { hint: 'rebuild the images (npm run build:runtime) or copy the archive again' });
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(`${what} is not valid JSON`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Regular files by normalized name; blobs are checked against their names as they are read. */
function archiveFiles(data: Uint8Array): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of iterateTar(data, 'image archive')) {
    if (entry.type !== 'file') continue;
    const name = entry.name.replace(/^(\.\/)+/, '');
    if (files.has(name)) throw bad(`${name} appears twice`);
    if (name.startsWith('blobs/')) {
      const match = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(name);
      if (!match) throw bad(`unexpected blob name ${name} (only blobs/sha256/<64 hex> is supported)`);
      if (sha256Hex(entry.content) !== match[1]) throw bad(`blob ${name} does not match its digest`);
    }
    files.set(name, entry.content);
  }
  return files;
}

/** An image as read back: its description and its blobs (to archive again, e.g. in a multi-arch archive). */
export interface ReadImage {
  readonly archived: ArchivedImage;
  readonly built: BuiltImage;
}

export function readImageArchive(data: Uint8Array): ArchivedImage[] {
  return readImages(data).map((i) => i.archived);
}

/** The images with their blobs, checked as readImageArchive checks them. */
export function readImages(data: Uint8Array): ReadImage[] {
  const files = archiveFiles(data);
  const file = (name: string): Buffer => {
    const content = files.get(name);
    if (!content) throw bad(`${name} is missing`);
    return content;
  };
  const blob = (d: Descriptor, what: string): Buffer => {
    if (typeof d.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest)) throw bad(`${what} has an invalid digest ${JSON.stringify(d.digest)}`);
    const content = files.get(blobPath(d.digest));
    if (!content) throw bad(`${what} ${d.digest} is missing`);
    if (d.size !== content.length) throw bad(`${what} ${d.digest} is ${content.length} bytes, the descriptor says ${String(d.size)}`);
    return content;
  };

  const layout = parseJson(file('oci-layout'), 'oci-layout');
  if (!isObject(layout) || layout.imageLayoutVersion !== '1.0.0') throw bad('oci-layout does not declare imageLayoutVersion 1.0.0');
  const index = parseJson(file('index.json'), 'index.json');
  const entries = isObject(index) && Array.isArray(index.manifests) ? (index.manifests as Descriptor[]) : [];
  if (entries.length === 0) throw bad('index.json lists no images');

  /** One platform manifest of `ref` with its config and layers. */
  const readManifest = (ref: string, entry: Descriptor, indexDigest?: string): ReadImage => {
    if (typeof entry.mediaType !== 'string' || !manifestTypes.has(entry.mediaType)) throw bad(`${ref}: unsupported manifest media type ${String(entry.mediaType)}`);
    const manifestBytes = blob(entry, `manifest of ${ref}`);
    const manifest = parseJson(manifestBytes, `manifest of ${ref}`) as { config?: Descriptor; layers?: Descriptor[] };
    if (!isObject(manifest.config) || !Array.isArray(manifest.layers)) throw bad(`manifest of ${ref} lacks config or layers`);
    const configBytes = blob(manifest.config, `config of ${ref}`);
    const config = parseJson(configBytes, `config of ${ref}`) as { architecture?: unknown; rootfs?: { diff_ids?: unknown } };
    const layerBlobs = manifest.layers.map((l, i) => ({ digest: String(l.digest), mediaType: String(l.mediaType), data: blob(l, `layer ${i} of ${ref}`) }));
    const layers = layerBlobs.map((l) => ({ digest: l.digest, size: l.data.length }));
    const diffIds = config.rootfs?.diff_ids;
    if (!Array.isArray(diffIds) || diffIds.length !== layers.length) throw bad(`config of ${ref} lists ${Array.isArray(diffIds) ? diffIds.length : 0} diff_ids for ${layers.length} layers`);
    manifest.layers.forEach((l, i) => {
      if (typeof l.mediaType === 'string' && uncompressedLayerTypes.has(l.mediaType) && diffIds[i] !== l.digest) throw bad(`layer ${i} of ${ref}: diff_id ${String(diffIds[i])} differs from the layer digest`);
    });
    const arch = typeof config.architecture === 'string' ? config.architecture : '';
    if (entry.platform && entry.platform.architecture !== arch) throw bad(`${ref}: the descriptor says ${String(entry.platform.architecture)}, the config ${arch}`);
    const archived: ArchivedImage = {
      ref,
      arch,
      manifestDigest: String(entry.digest),
      configDigest: String(manifest.config.digest),
      layers,
      size: manifestBytes.length + configBytes.length + layers.reduce((sum, l) => sum + l.size, 0),
      ...(indexDigest ? { indexDigest } : {}),
    };
    const asBlob = (digest: string, mediaType: string, data: Buffer): Blob => ({ digest, mediaType, data });
    const built: BuiltImage = {
      ref,
      arch: arch as BuiltImage['arch'],
      manifest: asBlob(String(entry.digest), entry.mediaType, manifestBytes),
      config: asBlob(String(manifest.config.digest), String(manifest.config.mediaType), configBytes),
      layers: layerBlobs,
    };
    return { archived, built };
  };

  const seen = new Set<string>();
  const single: ArchivedImage[] = [];
  const images = entries.flatMap((entry): ReadImage[] => {
    const ref = entry.annotations?.['io.containerd.image.name'];
    if (typeof ref !== 'string' || ref === '') throw bad(`manifest ${String(entry.digest)} has no io.containerd.image.name annotation`);
    if (seen.has(ref)) throw bad(`${ref} is listed twice in index.json`);
    seen.add(ref);
    if (entry.mediaType !== mediaTypes.index) {
      const image = readManifest(ref, entry);
      single.push(image.archived);
      return [image];
    }
    const nested = parseJson(blob(entry, `image index of ${ref}`), `image index of ${ref}`);
    const children = isObject(nested) && Array.isArray(nested.manifests) ? (nested.manifests as Descriptor[]) : [];
    if (children.length === 0) throw bad(`the image index of ${ref} lists no manifests`);
    const arches = new Set<string>();
    return children.map((child) => {
      const arch = child.platform?.architecture;
      if (typeof arch !== 'string' || arch === '') throw bad(`the image index of ${ref} lists ${String(child.digest)} without a platform`);
      if (arches.has(arch)) throw bad(`the image index of ${ref} lists ${arch} twice`);
      arches.add(arch);
      return readManifest(ref, child, String(entry.digest));
    });
  });
  // docker-archive has no platforms: manifest.json names the single-arch images (required when there are any).
  if (single.length > 0 || files.has('manifest.json')) checkDockerManifest(parseJson(file('manifest.json'), 'manifest.json'), single);
  return images;
}

/** manifest.json must name every image with the same config and layers as the OCI index. */
function checkDockerManifest(docker: unknown, images: readonly ArchivedImage[]): void {
  if (!Array.isArray(docker)) throw bad('manifest.json is not a list');
  for (const image of images) {
    const entry = (docker as { Config?: unknown; RepoTags?: unknown; Layers?: unknown }[]).find((d) => Array.isArray(d.RepoTags) && d.RepoTags.includes(image.ref));
    if (!entry) throw bad(`manifest.json has no entry tagged ${image.ref}`);
    if (entry.Config !== blobPath(image.configDigest)) throw bad(`manifest.json: ${image.ref} names config ${String(entry.Config)}, index.json ${image.configDigest}`);
    const layers = Array.isArray(entry.Layers) ? entry.Layers : [];
    if (layers.length !== image.layers.length || layers.some((l, i) => l !== blobPath(image.layers[i]?.digest ?? ''))) throw bad(`manifest.json: the layers of ${image.ref} differ from its OCI manifest`);
  }
}
