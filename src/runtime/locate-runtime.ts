// Finds the runtime to stage: --runtime-dir, else the one a release ships
// next to rfo (<prefix>/lib/rfo/runtime), else the newest complete runtime
// `npm run build:runtime` left in the cache for this rfo version and arch.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { defaultCacheDir, repoRoot } from '../build/paths.ts';
import { goArch } from '../build/plan-build.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { rfoVersion } from '../versions/table.ts';

async function readManifest(dir: string): Promise<RuntimeManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as RuntimeManifest;
  } catch {
    return undefined;
  }
}

const requiredBinaries = ['kubernetes', 'etcd', 'containerd', 'runc', 'flanneld', 'pause'];

export async function locateRuntime(explicit: string | undefined): Promise<{ dir: string; manifest: RuntimeManifest }> {
  const missing = (where: string) =>
    new RfoError('RFO_RUNTIME_MISSING', `no rfo runtime found (${where})`, {
      hint: 'build it with `npm run build:runtime` (see README), or pass --runtime-dir',
    });
  if (explicit) {
    const manifest = await readManifest(explicit);
    if (!manifest) throw missing(`${explicit} has no manifest.json`);
    return { dir: explicit, manifest };
  }
  // A release ships its runtime in <prefix>/lib/rfo/runtime, beside rfo's sources (repoRoot).
  const shipped = join(repoRoot, 'runtime');
  const shippedManifest = await readManifest(shipped);
  if (shippedManifest) return { dir: shipped, manifest: shippedManifest };
  const root = join(defaultCacheDir(), 'runtime');
  let best: { dir: string; manifest: RuntimeManifest; mtime: number } | undefined;
  const names = await readdir(root).catch(() => {
    throw missing(`${root} does not exist`);
  });
  for (const name of names) {
    if (name.includes('.partial')) continue;
    const dir = join(root, name);
    const manifest = await readManifest(dir);
    if (!manifest || manifest.rfoVersion !== rfoVersion() || manifest.arch !== goArch(process.arch)) continue;
    if (!requiredBinaries.every((n) => manifest.artifacts.some((a) => a.name === n))) continue; // a partial --only build
    const mtime = (await stat(join(dir, 'manifest.json'))).mtimeMs;
    if (!best || mtime > best.mtime) best = { dir, manifest, mtime };
  }
  if (!best) throw missing(`no complete ${rfoVersion()} runtime in ${root}`);
  return { dir: best.dir, manifest: best.manifest };
}
