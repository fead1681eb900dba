// Pure: the runtime's manifest.json and sha256sum-<arch>.txt. The manifest is
// the supply-chain record: for every artifact, what source went in (module
// and its go.sum hash, or the C file and compiler), how it was built, and the
// bytes that came out.

import type { Arch } from '../versions/table.ts';
import type { SkippedRecipe } from './plan-build.ts';

export interface GoModuleSource {
  readonly type: 'go-module';
  readonly module: string;
  readonly version: string;
  /** go.sum h1: hash of the module zip. */
  readonly sum: string;
  readonly package: string;
}

export interface CSource {
  readonly type: 'c-source';
  /** The module whose zip holds the file, and that zip's go.sum hash. */
  readonly module: string;
  readonly version: string;
  readonly sum: string;
  readonly file: string;
  readonly fileSha256: string;
}

/** A C program built from its release tarball (busybox for the conformance images), pinned by the tarball's sha256. */
export interface SourceTarball {
  readonly type: 'source-tarball';
  readonly url: string;
  readonly sha256: string;
}

/** A file taken unchanged from a Debian package (busybox), pinned by the .deb's sha256. */
export interface DebianSource {
  readonly type: 'debian-package';
  readonly package: string;
  /** The Debian version, epoch included (1:1.35.0-4+deb12u1+b1). */
  readonly version: string;
  readonly arch: string;
  /** sha256 of the .deb, as the Debian archive's Packages index lists it. */
  readonly debSha256: string;
  /** The file's path inside the package. */
  readonly file: string;
}

export interface BinaryRecord {
  readonly kind: 'binary';
  readonly name: string;
  readonly component: string;
  readonly version: string;
  readonly path: string;
  readonly aliases: readonly string[];
  readonly source: GoModuleSource | CSource | DebianSource | SourceTarball;
  /** Go toolchain version (for cgo/C artifacts also the C compiler). */
  readonly goVersion?: string;
  readonly compiler?: string;
  /** C libraries linked statically (runc: libseccomp), with their Debian version. */
  readonly libraries?: Readonly<Record<string, string>>;
  readonly buildFlags: Readonly<Record<string, unknown>>;
  readonly sha256: string;
  readonly size: number;
  readonly buildSeconds: number;
}

export interface ImageRecord {
  readonly kind: 'image';
  readonly name: string;
  readonly component: string;
  readonly version: string;
  readonly path: string;
  /** Digest of the image manifest, as containerd lists it after import. */
  readonly digest: string;
  readonly configDigest: string;
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
  /** Which runtime binaries the image carries (their records hold the source). */
  readonly contents: readonly string[];
  readonly base: string;
  /** Debian packages the image took files from (iptables, ipset, glibc): the .deb's sha256 and its source package. */
  readonly debianPackages?: readonly DebianPackageRecord[];
  readonly sha256: string;
  readonly size: number;
}

export interface DebianPackageRecord {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  /** e.g. "debian bookworm"; the corresponding source is the Debian source package of that version. */
  readonly distribution: string;
  readonly sourcePackage: string;
  readonly license: string;
  readonly file: string;
  readonly sha256: string;
}

export interface FileRecord {
  readonly kind: 'archive';
  readonly name: string;
  readonly path: string;
  readonly images: readonly string[];
  readonly sha256: string;
  readonly size: number;
}

/** A packaged chart (charts/<name>.tgz), deployed as a HelmChart with chartContent. */
export interface ChartRecord {
  readonly kind: 'chart';
  readonly name: string;
  readonly component: string;
  readonly version: string;
  readonly path: string;
  /** The images its default values run (all in this runtime). */
  readonly images: readonly string[];
  /** For a chart made from a data module (the Gateway API CRDs): the module, its go.sum hash and the files taken. */
  readonly source?: { readonly type: 'go-module'; readonly module: string; readonly version: string; readonly sum: string; readonly files: readonly string[] };
  readonly sha256: string;
  readonly size: number;
}

export type ArtifactRecord = BinaryRecord | ImageRecord | FileRecord | ChartRecord;

export interface RuntimeManifest {
  readonly schemaVersion: 1;
  readonly rfoVersion: string;
  readonly kubernetesVersion: string;
  readonly arch: Arch;
  readonly key: string;
  readonly toolchain: { readonly go: string; readonly cc: string; readonly libseccomp?: string };
  /** The Go vulnerability database `npm run scan` checks this runtime against (module zip h1: hash). */
  readonly vulnDatabase?: { readonly module: string; readonly version: string; readonly sum: string };
  readonly artifacts: readonly ArtifactRecord[];
  readonly skipped: readonly SkippedRecipe[];
}

export function renderManifest(manifest: RuntimeManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The usual `sha256sum` format: "<hex>  <path>", sorted by path. */
export function renderSha256Sums(artifacts: readonly ArtifactRecord[]): string {
  return [...artifacts]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((a) => `${a.sha256}  ${a.path}\n`)
    .join('');
}

/** Parse sha256sum text back (for `rfo verify` and the tests). */
export function parseSha256Sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[2], m[1]);
  }
  return out;
}
