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
