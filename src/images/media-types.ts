// OCI media types the image builder writes and the archive reader accepts,
// and where a blob lives inside an image layout.
// Layers are uncompressed tar: the diff_id then equals the layer digest, and
// the airgap bundle is compressed as a whole instead.

export const mediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** Layer media types whose blob is the uncompressed tar (digest == diff_id). */
export const uncompressedLayerTypes: ReadonlySet<string> = new Set([mediaTypes.layer, 'application/vnd.docker.image.rootfs.diff.tar']);

/** Manifest media types an index may point at. */
export const manifestTypes: ReadonlySet<string> = new Set([mediaTypes.manifest, 'application/vnd.docker.distribution.manifest.v2+json']);

/** blobs/sha256/<hex>: a blob's path in an OCI layout (and in our docker manifest.json). */
export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.replace(/^sha256:/, '')}`;
}
