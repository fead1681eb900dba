// Takes one file out of a pinned Debian package (busybox for local-path's
// helper image: a C program no Go module provides). The .deb comes from
// apt's own cache when it holds the pinned file, else from `apt-get download`
// (Debian's archive, through apt and its signed indexes); either way it is
// used only when its sha256 is the one pinned in the version table.

import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, tail } from '../util/exec.ts';
import { sha256File } from '../util/sha256-file.ts';
import { debFileName } from './plan-debian-pin.ts';
import type { DebianPin } from './plan-debian-pin.ts';

export const aptArchiveCache = '/var/cache/apt/archives';

/** The .deb in dir, checked against the pin; apt's cache first, then apt-get download. */
async function fetchDeb(pin: DebianPin, dir: string): Promise<string> {
  const cached = join(aptArchiveCache, debFileName(pin));
  if ((await sha256File(cached).catch(() => '')) === pin.sha256) return cached;
  // pkg:arch: another arch's package needs that arch's index (scripts/setup-cross.sh adds it).
  const r = await run({ cmd: 'apt-get', args: ['download', '-q', `${pin.package}:${pin.arch}=${pin.version}`], cwd: dir, purpose: `downloading ${pin.package} ${pin.version} (${pin.arch})` });
  const deb = (await readdir(dir)).find((f) => f.endsWith('.deb'));
  if (r.code !== 0 || !deb) {
    throw new RfoError('RFO_MODULE_NOT_FOUND', `${pin.package} ${pin.version} (${pin.arch}) could not be downloaded with apt-get: ${tail(r.stderr || r.stdout, 5)}`, {
      hint: `run apt-get update (Debian 12 host; for another arch first bash scripts/setup-cross.sh ${pin.arch}), or bump ${pin.package} in src/versions/table.ts to the version apt-cache policy ${pin.package} offers, with its SHA256 from apt-cache show`,
    });
  }
  return join(dir, deb);
}

/** Copies `file` (a path inside the package, e.g. /bin/busybox) to out; returns the .deb's sha256. */
export async function extractDebianFile(pin: DebianPin, file: string, out: string, workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, 'deb-'));
  try {
    const deb = await fetchDeb(pin, dir);
    const got = await sha256File(deb);
    if (got !== pin.sha256) {
      throw new RfoError('RFO_BUILD_FAILED', `${debFileName(pin)} has sha256 ${got}, not the pinned ${pin.sha256}`, {
        hint: `the pin in src/versions/table.ts must be the SHA256 apt-cache show ${pin.package}=${pin.version} lists; a different file is never used`,
      });
    }
    const root = join(dir, 'root');
    const x = await run({ cmd: 'dpkg-deb', args: ['-x', deb, root], purpose: `unpacking ${debFileName(pin)}` });
    if (x.code !== 0) throw new RfoError('RFO_BUILD_FAILED', `dpkg-deb -x ${deb} failed: ${tail(x.stderr, 5)}`, { hint: 'dpkg-deb (package dpkg) is needed to unpack Debian packages' });
    await copyFile(join(root, file), out).catch((err: unknown) => {
      throw new RfoError('RFO_BUILD_FAILED', `${debFileName(pin)} has no ${file}`, { hint: 'fix the file of the deb-binary recipe in src/versions/recipes.ts', cause: err });
    });
    return got;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
