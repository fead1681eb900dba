// The release's multi-arch image archive: once dist/<version>/ holds the
// airgap archives of two or more arches, rfo-images.multiarch.tar.zst names
// each reference once, as an OCI image index over those arches, with all
// their blobs (`ctr images import --all-platforms`; a registry push keeps one
// multi-arch reference). Its checksum file and image signatures (over the
// index digests) sit beside it, signed like the per-arch files.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indexByReference } from '../images/image-index.ts';
import type { MultiArchImage } from '../images/image-index.ts';
import { readImages } from '../images/read-archive.ts';
import { writeImageArchive } from '../images/write-archive.ts';
import { decompressArchive } from '../util/tar-compression.ts';

export const multiArchNames = {
  images: 'rfo-images.multiarch.tar.zst',
  imageSignatures: 'rfo-images.multiarch.image-signatures.json',
  checksums: 'sha256sum-multiarch.txt',
} as const;

/** Pure: the per-arch airgap archives among a version directory's files, by arch. */
export function perArchArchives(files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of [...files].sort()) {
    const m = /^rfo-images\.linux-([a-z0-9]+)\.tar\.zst$/.exec(f);
    if (m?.[1]) out.set(m[1], f);
  }
  return out;
}

export interface MultiArchResult {
  readonly arches: readonly string[];
  readonly images: readonly MultiArchImage[];
}

/** Write the multi-arch archive from the per-arch ones in `vdir`; undefined (nothing written) with fewer than two arches. */
export async function writeMultiArchImages(vdir: string): Promise<MultiArchResult | undefined> {
  const archives = perArchArchives(await readdir(vdir));
  if (archives.size < 2) return undefined;
  const built = [];
  for (const file of archives.values()) {
    // readImages checks every blob against its digest before it is reused.
    built.push(...readImages(decompressArchive(await readFile(join(vdir, file)), file)).map((i) => i.built));
  }
  const images = indexByReference(built);
  await writeImageArchive(join(vdir, multiArchNames.images), images, 'zstd');
  return { arches: [...archives.keys()], images };
}
