// Put a built file into a runtime tree: hard-link when the cache and the
// target share a file system (no extra disk), copy otherwise.

import { copyFile, link } from 'node:fs/promises';

export async function placeFile(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    await copyFile(from, to);
  }
}
