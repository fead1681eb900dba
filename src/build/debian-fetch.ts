// Fetches the pinned Debian packages an image takes files from (apt-get
// download, the ordinary client, into <cache>/debs/), checks each .deb
// against its pinned sha256 and unpacks it with dpkg-deb. A .deb the
// archive no longer has (a point release replaced it) or one whose hash
// differs is a typed error naming the pin to update.

import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, runChecked } from '../util/exec.ts';
import { debFileName, debianPin, debianRelease } from '../versions/debian-packages.ts';
import type { DebianPackage } from '../versions/debian-packages.ts';
import type { Arch } from '../versions/table.ts';
import type { DebEntry } from '../images/plan-debian-files.ts';

let listsUpdated = false;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface FetchedDeb {
  readonly path: string;
  readonly file: string;
  readonly sha256: string;
}

/** The .deb for an arch, from the cache or apt-get download, checked against its pin. */
export async function fetchDeb(cacheDir: string, p: DebianPackage, arch: Arch): Promise<FetchedDeb> {
  const pin = debianPin(p, arch);
  if (!pin) throw new RfoError('RFO_DEB_UNAVAILABLE', `Debian package ${p.name} is not pinned for ${arch}`, { hint: 'add its sha256 for this arch in src/versions/debian-packages.ts' });
  const file = debFileName(p, pin.debArch);
  const dir = join(cacheDir, 'debs');
  const path = join(dir, file);
  const cached = await readFile(path).catch(() => undefined);
  if (cached && sha256(cached) === pin.sha256) return { path, file, sha256: pin.sha256 };
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(dir, '.download-'));
  try {
    const spec = pin.debArch === 'all' ? `${p.name}=${p.version}` : `${p.name}:${pin.debArch}=${p.version}`;
    const download = () => run({ cmd: 'apt-get', args: ['download', spec], cwd: work, purpose: `downloading Debian package ${p.name}` });
    let r = await download();
    // A fresh host has no package lists yet: read them once, then try again.
    if (r.code !== 0 && !listsUpdated) {
      listsUpdated = true;
      await run({ cmd: 'apt-get', args: ['update', '-qq'], purpose: 'reading the apt package lists' });
      r = await download();
    }
    if (r.code !== 0) {
      throw new RfoError('RFO_DEB_UNAVAILABLE', `apt-get download ${spec} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`, {
        hint:
          `the build host needs Debian ${debianRelease}'s apt sources (apt-get update first); if the archive replaced ${p.name} ${p.version} ` +
          `with a newer release, put its version and sha256 in src/versions/debian-packages.ts`,
      });
    }
    const got = await readFile(join(work, file)).catch(() => undefined);
    if (!got) throw new RfoError('RFO_DEB_UNAVAILABLE', `apt-get download ${spec} wrote no ${file}`, { hint: `check that ${p.name} ${p.version} exists for ${pin.debArch}` });
    const hash = sha256(got);
    if (hash !== pin.sha256) {
      throw new RfoError('RFO_DEB_UNAVAILABLE', `${file}: sha256 ${hash}, pinned ${pin.sha256}`, {
        hint: 'the archive serves other bytes under this version: check the apt sources; never just copy the new hash',
      });
    }
    await rename(join(work, file), path);
    return { path, file, sha256: hash };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Every entry of a .deb's data (dpkg-deb -x), with absolute paths. */
export async function unpackDeb(debPath: string, tmpParent: string): Promise<DebEntry[]> {
  const dir = await mkdtemp(join(tmpParent, '.unpack-'));
  try {
    await runChecked({ cmd: 'dpkg-deb', args: ['-x', debPath, dir], purpose: `unpacking ${debPath}` });
    const out: DebEntry[] = [];
    const walk = async (rel: string): Promise<void> => {
      for (const name of (await readdir(join(dir, rel))).sort()) {
        const r = `${rel}/${name}`;
        const st = await lstat(join(dir, r));
        if (st.isSymbolicLink()) out.push({ type: 'symlink', path: r, target: await readlink(join(dir, r)) });
        else if (st.isDirectory()) {
          out.push({ type: 'dir', path: `${r}/` });
          await walk(r);
        } else if (st.isFile()) out.push({ type: 'file', path: r, mode: st.mode, content: await readFile(join(dir, r)) });
      }
    };
    await walk('');
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
