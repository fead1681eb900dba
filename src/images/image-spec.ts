// The data the image builder works on: what an image should contain
// (ImageSpec), what building it yields (BuiltImage: content-addressed blobs)
// and what an archive says about each image it holds (ArchivedImage). Types
// only, so every images/ module and its callers share one vocabulary.

import type { Arch } from '../versions/table.ts';

export interface ImageFileSpec {
  /** Absolute path in the image, e.g. "/pause". */
  readonly path: string;
  readonly content: Uint8Array;
  /** Permission bits, e.g. 0o755. */
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Extended attributes, e.g. { 'security.capability': fileCapabilities([10]) }. */
  readonly xattrs?: Readonly<Record<string, Uint8Array>>;
}

export interface ImageSymlinkSpec {
  readonly path: string;
  readonly target: string;
}

/** A directory with its own mode or owner (parents of files are created as 0o755 root:root otherwise). */
export interface ImageDirSpec {
  readonly path: string;
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface ImageConfigSpec {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** "65532", "65532:65532" or a name the base image's /etc/passwd knows. */
  readonly user?: string;
  /** "KEY=value" pairs; defaults to a standard PATH. */
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /** "53/udp", "9153/tcp". */
  readonly exposedPorts?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ImageSpec {
  /** The full reference the image is imported under, e.g. "registry.k8s.io/pause:3.10.2". */
  readonly ref: string;
  readonly arch: Arch;
  /** A root file system tar (e.g. `docker export` of an openEuler base), used as the first layer. */
  readonly baseLayer?: Uint8Array;
  /** A name for the base in the image history, e.g. "openEuler-24.03-LTS rootfs". */
  readonly baseName?: string;
  readonly files: readonly ImageFileSpec[];
  readonly symlinks?: readonly ImageSymlinkSpec[];
  readonly dirs?: readonly ImageDirSpec[];
  readonly config: ImageConfigSpec;
  /** RFC 3339, fixed so builds reproduce (default "1970-01-01T00:00:00Z"). */
  readonly created?: string;
}

/** Content-addressed bytes: digest is "sha256:" + the sha256 of data. */
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
  /** Bottom to top: the base layer (if any), then ours. */
  readonly layers: readonly Blob[];
}

export interface LayerInfo {
  readonly digest: string;
  readonly size: number;
}

export interface ArchivedImage {
  readonly ref: string;
  readonly arch: string;
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly layers: readonly LayerInfo[];
  /** Bytes of manifest + config + layers: what the image occupies in a content store. */
  readonly size: number;
  /** Set when the reference names a multi-arch image index that lists this manifest. */
  readonly indexDigest?: string;
}
