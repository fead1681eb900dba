// A test image made from Debian's static busybox by our own image writer, so
// pods can run a shell, wget and httpd without any registry.

import { readFile } from 'node:fs/promises';
import { buildImage } from '../../../src/images/build-image.ts';
import { writeImageArchive } from '../../../src/images/write-archive.ts';

export const busyboxRef = 'registry.rfo.test/library/busybox:1.35';

/** Writes the image as a zstd airgap archive (rfo unpacks it before importing). */
export async function writeBusyboxArchive(path: string): Promise<void> {
  const image = buildImage({
    ref: busyboxRef,
    arch: 'amd64',
    files: [{ path: '/bin/busybox', content: await readFile('/bin/busybox'), mode: 0o755 }],
    symlinks: ['sh', 'echo', 'sleep', 'wget', 'httpd', 'mkdir', 'cat', 'nslookup', 'hostname'].map((n) => ({ path: `/bin/${n}`, target: 'busybox' })),
    config: { cmd: ['sh'] },
  });
  await writeImageArchive(path, [image], 'zstd');
}

/** An image of two layers and no program, for an image volume: the base layer's file must show through the top one. */
export const imageVolumeRef = 'registry.rfo.test/library/image-volume:1';
export const imageVolumeFiles = { top: '/data.json', base: '/etc/os-release' } as const;

export async function writeImageVolumeArchive(path: string): Promise<void> {
  const base = buildImage({
    ref: imageVolumeRef,
    arch: 'amd64',
    files: [{ path: imageVolumeFiles.base, content: Buffer.from('NAME="rfo image-volume test base layer"\n'), mode: 0o644 }],
    config: {},
  });
  const image = buildImage({
    ref: imageVolumeRef,
    arch: 'amd64',
    baseLayer: base.layers[0]?.data,
    files: [{ path: imageVolumeFiles.top, content: Buffer.from('{"layer":"top"}\n'), mode: 0o644 }],
    config: {},
  });
  await writeImageArchive(path, [image]);
}
