// Writes that matter go to a temp file in the same directory and are renamed
// over the target, so a crash never leaves a half-written config, key or
// kubeconfig behind.

import { mkdir, rename, writeFile, rm, chmod, symlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

let ownerOnly = false;

/**
 * profile: cis — from now on every file this process writes through
 * writeFileAtomic is for its owner only (0644 becomes 0600): certificates,
 * keys, kubeconfigs and configs alike (CIS 1.1.x, 4.1.x). One switch, set by
 * `rfo server`/`rfo agent` at start, rather than a mode threaded through every
 * writer: a file written later (a renewed certificate, a rewritten config)
 * cannot be missed.
 */
export function restrictFileModes(on: boolean): void {
  ownerOnly = on;
}

/** The mode a file gets under the current policy. */
export const effectiveMode = (mode: number): number => (ownerOnly ? mode & 0o700 : mode);

export async function writeFileAtomic(path: string, data: string | Buffer, requested = 0o644): Promise<void> {
  const mode = effectiveMode(requested);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    await writeFile(tmp, data, { mode });
    await chmod(tmp, mode); // writeFile's mode is filtered by the umask
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Point `path` at `target` by renaming a fresh symlink over it: readers never see it missing. */
export async function symlinkAtomic(target: string, path: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  await rename(tmp, path);
}
