// I/O shell: a pinned release tarball (table.ts sourceTarball), downloaded,
// refused unless its sha256 is the pinned one, then unpacked. Not cached
// itself: the artifact built from it is (a few MB, fetched on a cold build only).

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { runChecked } from '../util/exec.ts';
import type { Component } from '../versions/table.ts';

/** Downloads and unpacks the component's tarball into `into`; returns the source directory. */
export async function unpackSourceTarball(component: Component, into: string): Promise<string> {
  const pin = component.sourceTarball;
  if (!pin) throw new RfoError('RFO_BUILD_FAILED', `${component.id} has no sourceTarball pin`, { hint: 'a make-binary recipe needs one in src/versions/table.ts' });
  const res = await fetch(pin.url, { signal: AbortSignal.timeout(300_000) }).catch((err: unknown) => {
    throw new RfoError('RFO_SOURCE_UNAVAILABLE', `downloading ${pin.url} failed: ${String(err)}`, { hint: 'the build host must reach deb.debian.org (the Debian archive), as apt does' });
  });
  if (!res.ok) throw new RfoError('RFO_SOURCE_UNAVAILABLE', `${pin.url}: HTTP ${res.status}`, { hint: 'the archive may have moved the file: find it in the source package and pin the new URL with the same sha256' });
  const data = new Uint8Array(await res.arrayBuffer());
  const got = createHash('sha256').update(data).digest('hex');
  if (got !== pin.sha256) throw new RfoError('RFO_SOURCE_UNAVAILABLE', `${pin.url}: sha256 ${got}, pinned ${pin.sha256}`, { hint: 'the server sent other bytes than the release: never just copy the new hash' });
  await mkdir(into, { recursive: true });
  const file = join(into, basename(new URL(pin.url).pathname));
  await writeFile(file, data);
  await runChecked({ cmd: 'tar', args: ['-xf', file, '-C', into], purpose: `unpacking ${basename(file)}` });
  return join(into, pin.dir);
}
