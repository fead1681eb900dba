// Writes that matter go to a temp file in the same directory and are renamed
// over the target, so a crash never leaves a half-written config, key or
// kubeconfig behind.

import { mkdir, rename, writeFile, rm, chmod, symlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
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
