// Pure: an OCI image (layer tar, config, manifest) from files and config.
// No Docker: the blobs are computed here, byte for byte, so the same inputs
// always give the same digests. An optional base layer (a root file system
// tar, e.g. an exported openEuler base image) goes under our files.

import { canonicalJson, sha256Hex } from '../util/canonical-json.ts';
import { writeTar } from '../util/tar-writer.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import type { Arch } from '../versions/table.ts';

export interface ImageFileSpec {
  readonly path: string;
  readonly content: Uint8Array;
  readonly mode: number;
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
}

export interface ImageSpec {
  readonly ref: string;
  readonly arch: Arch;
  /** An uncompressed root file system tar used verbatim as the first layer. */
  readonly baseLayer?: Buffer;
  /** A name for the base in records, e.g. "openEuler-24.03-rootfs.tar@sha256:..". */
  readonly baseName?: string;
  readonly files: readonly ImageFileSpec[];
  readonly symlinks?: readonly { readonly path: string; readonly target: string }[];
  readonly config: {
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    readonly user?: string;
    readonly env?: readonly string[];
    readonly workingDir?: string;
    readonly exposedPorts?: readonly string[];
    readonly labels?: Readonly<Record<string, string>>;
  };
  /** RFC 3339; fixed so builds reproduce. */
  readonly created?: string;
}

export interface Blob {
  readonly digest: string;
  readonly mediaType: string;
  readonly data: Buffer;
}

export interface BuiltImage {
  readonly ref: string;
  readonly arch: Arch;
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
}

export const mediaTypes = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  index: 'application/vnd.oci.image.index.v1+json',
} as const;

const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function blobOf(mediaType: string, data: Buffer): Blob {
  return { digest: `sha256:${sha256Hex(data)}`, mediaType, data };
}

/** Layer entries: parent directories first, then everything sorted by path. */
export function planLayerEntries(spec: Pick<ImageSpec, 'files' | 'symlinks'>): TarEntry[] {
  const rel = (p: string) => p.replace(/^\/+/, '');
  const dirs = new Set<string>();
  const items: TarEntry[] = [];
  const addParents = (path: string) => {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  };
  for (const f of spec.files) {
    addParents(rel(f.path));
    items.push({ type: 'file', path: rel(f.path), content: f.content, mode: f.mode, ...(f.xattrs ? { xattrs: f.xattrs } : {}) });
  }
  for (const s of spec.symlinks ?? []) {
    addParents(rel(s.path));
    items.push({ type: 'symlink', path: rel(s.path), target: s.target });
  }
  const dirEntries: TarEntry[] = [...dirs].filter(Boolean).sort().map((path) => ({ type: 'dir', path, mode: 0o755 }));
  items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...dirEntries, ...items];
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const created = spec.created ?? '1970-01-01T00:00:00Z';
  const layers: Blob[] = [];
  if (spec.baseLayer) layers.push(blobOf(mediaTypes.layer, spec.baseLayer));
  layers.push(blobOf(mediaTypes.layer, writeTar(planLayerEntries(spec))));
  const c = spec.config;
  const config = {
    architecture: spec.arch,
    os: 'linux',
    created,
    config: {
      Env: [...(c.env ?? [defaultPath])],
      ...(c.entrypoint ? { Entrypoint: [...c.entrypoint] } : {}),
      ...(c.cmd ? { Cmd: [...c.cmd] } : {}),
      ...(c.user ? { User: c.user } : {}),
      ...(c.workingDir ? { WorkingDir: c.workingDir } : {}),
      ...(c.exposedPorts ? { ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p, {}])) } : {}),
      ...(c.labels ? { Labels: { ...c.labels } } : {}),
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history: [
      ...(spec.baseLayer ? [{ created, created_by: `rfo: base root file system ${spec.baseName ?? ''}`.trim() }] : []),
      { created, created_by: `rfo: ${spec.files.map((f) => f.path).join(' ')}` },
    ],
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

/** vfs_cap_data revision 2 for `setcap cap_X+ep`: the security.capability xattr value. */
export function fileCapabilities(capabilityNumbers: readonly number[]): Buffer {
  const buf = Buffer.alloc(20);
  let low = 0;
  let high = 0;
  for (const n of capabilityNumbers) {
    if (n < 32) low |= 1 << n;
    else high |= 1 << (n - 32);
  }
  buf.writeUInt32LE(0x02000001, 0); // VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE
  buf.writeUInt32LE(low >>> 0, 4); // permitted[0]
  buf.writeUInt32LE(0, 8); // inheritable[0]
  buf.writeUInt32LE(high >>> 0, 12); // permitted[1]
  buf.writeUInt32LE(0, 16); // inheritable[1]
  return buf;
}
