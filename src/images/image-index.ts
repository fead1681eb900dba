// Pure: one reference for every arch. An OCI image index lists an image's
// per-arch manifests with their platforms; containerd (and any registry)
// resolves the reference to the manifest of the node's own platform.
//
// How rfo ships it:
//   - each runtime's per-arch archive (images/<name>.tar and the airgap
//     rfo-images.linux-<arch>.tar.zst) names the arch's manifest directly,
//     as before: an arch's build must not depend on the other arches' builds,
//     and its manifest digest is the one the index lists for that arch;
//   - the release's multi-arch archive (rfo-images.multiarch.tar.zst) names,
//     per reference, an index over the arches released, with every blob
//     inside (OCI image layout): `ctr images import --all-platforms` takes it
//     whole, a plain import names the same index, and it can be pushed to a
//     registry as one multi-arch image.

import { RfoError } from '../errors.ts';
import { canonicalJson } from '../util/canonical-json.ts';
import { supportedArches } from '../versions/table.ts';
import { blobOf } from './build-image.ts';
import { mediaTypes } from './media-types.ts';
import type { Blob, BuiltImage } from './image-spec.ts';

export interface MultiArchImage {
  readonly ref: string;
  /** The image index blob (application/vnd.oci.image.index.v1+json). */
  readonly index: Blob;
  /** One image per arch, in the index's order. */
  readonly images: readonly BuiltImage[];
}

function archOrder(arch: string): number {
  const i = supportedArches.indexOf(arch as (typeof supportedArches)[number]);
  return i < 0 ? supportedArches.length : i;
}

/** The index over one reference's per-arch images; the same images in any order give the same digest. */
export function buildImageIndex(images: readonly BuiltImage[]): MultiArchImage {
  const ref = images[0]?.ref;
  if (!ref) throw new RfoError('RFO_IMAGE_INVALID', 'image index: no images', { hint: 'pass one built image per arch' });
  const seen = new Set<string>();
  for (const image of images) {
    if (image.ref !== ref) throw new RfoError('RFO_IMAGE_INVALID', `image index of ${ref}: ${image.ref} is another reference`, { hint: 'an index holds one reference, one image per arch' });
    if (seen.has(image.arch)) throw new RfoError('RFO_IMAGE_INVALID', `image index of ${ref}: two images for ${image.arch}`, { hint: 'an index holds one image per arch' });
    seen.add(image.arch);
  }
  const ordered = [...images].sort((a, b) => archOrder(a.arch) - archOrder(b.arch) || a.arch.localeCompare(b.arch));
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.index,
    manifests: ordered.map((image) => ({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.data.length,
      platform: { architecture: image.arch, os: 'linux' },
    })),
  };
  return { ref, index: blobOf(mediaTypes.index, Buffer.from(canonicalJson(index))), images: ordered };
}

/** Group per-arch images by reference into one index each, in first-seen reference order. */
export function indexByReference(images: readonly BuiltImage[]): MultiArchImage[] {
  const byRef = new Map<string, BuiltImage[]>();
  for (const image of images) byRef.set(image.ref, [...(byRef.get(image.ref) ?? []), image]);
  return [...byRef.values()].map(buildImageIndex);
}

export function isMultiArch(image: BuiltImage | MultiArchImage): image is MultiArchImage {
  return 'index' in image;
}
