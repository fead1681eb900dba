// Pure: an OCI image (layer tars, config, manifest) from an ImageSpec. No
// Docker and no daemon: every blob is computed here, byte for byte, and all
// JSON is canonical (sorted keys, no whitespace), so the same inputs always
// give the same digests. An optional base layer (a root file system tar,
// e.g. an exported openEuler base image) goes under our files, verbatim.

import { RfoError } from '../errors.ts';
import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { decompressArchive } from '../util/tar-compression.ts';
import { iterateTar } from '../util/tar-reader.ts';
import { writeTar } from '../util/tar-writer.ts';
import { parseImageRef } from './image-ref.ts';
import { planLayerEntries } from './layer-entries.ts';
import { mediaTypes } from './media-types.ts';
import type { Blob, BuiltImage, ImageConfigSpec, ImageSpec } from './image-spec.ts';

// Kept here too so existing callers import the builder's helpers from one module.
export { fileCapabilities } from './file-capabilities.ts';
export type { Blob, BuiltImage, ImageSpec } from './image-spec.ts';

const defaultEnv = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function bad(ref: string, message: string, hint: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image ${ref}: ${message}`, { hint });
}

export function blobOf(mediaType: string, data: Buffer): Blob {
  return { digest: `sha256:${sha256Hex(data)}`, mediaType, data };
}

/** The base root file system as an uncompressed tar, checked entry by entry (a corrupt base fails here, not in containerd). */
function baseLayerTar(spec: ImageSpec, base: Uint8Array): Buffer {
  const tar = decompressArchive(base, `base layer of ${spec.ref}`);
  let count = 0;
  for (const _entry of iterateTar(tar, `base layer of ${spec.ref}`)) count++;
  if (count === 0) throw bad(spec.ref, 'the base layer tar is empty', 'export the base image again (docker export <container> > rootfs.tar)');
  return tar;
}

/** The OCI "config" object (the part of the image config a container runtime reads). */
function runtimeConfig(c: ImageConfigSpec): Record<string, unknown> {
  return {
    Env: [...(c.env ?? defaultEnv)],
    Entrypoint: c.entrypoint ? [...c.entrypoint] : undefined,
    Cmd: c.cmd ? [...c.cmd] : undefined,
    User: c.user || undefined,
    WorkingDir: c.workingDir || undefined,
    ExposedPorts: c.exposedPorts ? Object.fromEntries(c.exposedPorts.map((p) => [p, {}])) : undefined,
    Labels: c.labels ? { ...c.labels } : undefined,
  };
}

export function buildImage(spec: ImageSpec): BuiltImage {
  parseImageRef(spec.ref);
  const created = spec.created ?? '1970-01-01T00:00:00Z';
  if (!rfc3339.test(created)) throw bad(spec.ref, `created ${JSON.stringify(created)} is not an RFC 3339 time`, 'use e.g. 1970-01-01T00:00:00Z');
  const entries = planLayerEntries(spec);
  if (entries.length === 0 && !spec.baseLayer) throw bad(spec.ref, 'the image has no files and no base layer', 'list at least one file in the recipe');

  const layers: Blob[] = [];
  const history: { created: string; created_by: string }[] = [];
  if (spec.baseLayer) {
    layers.push(blobOf(mediaTypes.layer, baseLayerTar(spec, spec.baseLayer)));
    history.push({ created, created_by: `rfo: base root file system${spec.baseName ? ` ${spec.baseName}` : ''}` });
  }
  if (entries.length > 0) {
    layers.push(blobOf(mediaTypes.layer, writeTar(entries)));
    // From the planned entries, so the spec's order cannot change the config digest.
    const paths = entries.filter((e) => e.type !== 'dir').map((e) => `/${e.path}`);
    history.push({ created, created_by: `rfo: add ${paths.join(' ')}` });
  }

  const config = {
    architecture: spec.arch,
    os: 'linux',
    created,
    config: runtimeConfig(spec.config),
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history,
  };
  const configBlob = blobOf(mediaTypes.config, Buffer.from(canonicalJson(config)));
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: { mediaType: mediaTypes.config, digest: configBlob.digest, size: configBlob.data.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.data.length })),
  };
  return { ref: spec.ref, arch: spec.arch, manifest: blobOf(mediaTypes.manifest, Buffer.from(canonicalJson(manifest))), config: configBlob, layers };
}
