// The thin I/O around registries.yaml: read and check it before the start
// writes anything, and write containerd's hosts directory from it.

import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { emptyRegistries, parseRegistries, registryFiles } from '../config/parse-registries.ts';
import type { Registries } from '../config/parse-registries.ts';
import type { RegistryHostsFile } from '../render/registry-hosts.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

/** registries.yaml at `path`; none is fine (no mirrors), anything unreadable or invalid is an error. */
export async function readRegistries(path: string, log: (m: string) => void): Promise<Registries> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistries;
    throw new RfoError('RFO_CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`, { hint: 'check private-registry and the file\'s permissions; nothing was started or written' });
  }
  const r = parseRegistries(text, path);
  for (const f of registryFiles(r)) {
    await access(f).catch(() => {
      throw new RfoError('RFO_CONFIG_INVALID', `${path} names ${f}, which does not exist`, { hint: 'copy the file there or fix the path; nothing was started or written' });
    });
  }
  log(`registries: ${r.mirrors.size} mirrored registr${r.mirrors.size === 1 ? 'y' : 'ies'}, ${r.configs.size} config(s) from ${path}`);
  return r;
}

/**
 * Replace containerd's hosts directory with these files: a registry dropped
 * from registries.yaml loses its mirrors at the next start. The directory is
 * rfo's own (agent/etc/containerd/certs.d), so nothing of the user's is lost.
 */
export async function writeRegistryHosts(dir: string, files: readonly RegistryHostsFile[]): Promise<void> {
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  for (const f of files) await writeFileAtomic(join(fresh, f.dir, 'hosts.toml'), f.text);
  await mkdir(dirname(dir), { recursive: true });
  await rename(dir, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
}
