// The offline Go vulnerability database: the pinned golang.org/x/vulndb
// snapshot fetched through the module proxy (the go command checks it
// against the checksum database, we against the pinned h1 hash), converted
// to the v1 layout by render-vulndb.ts and cached by version under
// <cache>/vulndb/. Nothing of it is committed: it is third-party data.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RfoError } from '../errors.ts';
import { pinnedGoEnv } from '../build/toolchain.ts';
import { hashJson, sha256Hex } from '../util/canonical-json.ts';
import { run, tail } from '../util/exec.ts';
import { vulnDatabase } from '../versions/table.ts';
import { pseudoVersionTime, renderVulnDb } from './render-vulndb.ts';

/** Bump when render-vulndb.ts changes its output, so cached databases are rebuilt. */
export const vulnDbFormatVersion = 1;

export interface VulnDbInfo {
  readonly module: string;
  readonly version: string;
  /** go.sum h1: of the module zip the database was made from. */
  readonly sum: string;
  /** sha256 over the v1 layout's files (path and bytes, sorted): names this exact database. */
  readonly layoutSha256: string;
  /** index/db.json's modified time. */
  readonly modified: string;
  readonly entries: number;
  /** Bytes of the v1 layout on disk (the packaged database). */
  readonly bytes: number;
  /** Bytes of the module zip it came from. */
  readonly zipBytes: number;
}

export interface VulnDb {
  readonly dir: string;
  /** The -db argument for govulncheck. */
  readonly url: string;
  readonly info: VulnDbInfo;
}

export async function ensureVulnDb(cacheDir: string, pinned: { module: string; version: string; sum: string } = vulnDatabase): Promise<VulnDb> {
  const key = hashJson({ format: vulnDbFormatVersion, ...pinned }).slice(0, 12);
  const dir = join(cacheDir, 'vulndb', `${pinned.version}-${key}`);
  const infoPath = join(dir, 'db-info.json');
  if (existsSync(infoPath)) return { dir, url: `file://${dir}`, info: JSON.parse(await readFile(infoPath, 'utf8')) as VulnDbInfo };

  const ref = `${pinned.module}@${pinned.version}`;
  const dl = await run({ cmd: 'go', args: ['mod', 'download', '-json', ref], cwd: '/', env: { ...pinnedGoEnv(), GOFLAGS: '-mod=mod' }, purpose: `downloading ${ref}` });
  const got = JSON.parse(dl.stdout || '{}') as { Dir?: string; Sum?: string; Zip?: string; Error?: string };
  if (dl.code !== 0 || !got.Dir || !got.Sum) {
    throw new RfoError('RFO_MODULE_NOT_FOUND', `the vulnerability database ${ref} could not be downloaded: ${got.Error ?? tail(dl.stderr, 5)}`, {
      hint: 'check vulnDatabase in src/versions/table.ts (`go list -m golang.org/x/vulndb@latest` names the newest) and that GOPROXY reaches the Go module proxy',
    });
  }
  if (got.Sum !== pinned.sum) {
    throw new RfoError('RFO_SCAN_FAILED', `${ref} has hash ${got.Sum}, the version table pins ${pinned.sum}`, { hint: 'if you bumped vulnDatabase.version, set vulnDatabase.sum to the new go.sum hash' });
  }
  const osvDir = join(got.Dir, 'data', 'osv');
  const names = (await readdir(osvDir)).filter((n) => n.endsWith('.json'));
  const files = [];
  for (const name of names) files.push({ name, text: await readFile(join(osvDir, name), 'utf8') });
  const layout = renderVulnDb(files, pseudoVersionTime(pinned.version));

  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  let bytes = 0;
  for (const f of layout) {
    await mkdir(dirname(join(partial, f.path)), { recursive: true });
    await writeFile(join(partial, f.path), f.content);
    bytes += Buffer.byteLength(f.content);
  }
  const db = layout.find((f) => f.path === 'index/db.json');
  const info: VulnDbInfo = {
    module: pinned.module,
    version: pinned.version,
    sum: got.Sum,
    layoutSha256: sha256Hex(layout.map((f) => `${f.path}\0${sha256Hex(f.content)}`).join('\n')),
    modified: (JSON.parse(db?.content ?? '{}') as { modified?: string }).modified ?? '',
    entries: files.length,
    bytes,
    zipBytes: got.Zip ? (await stat(got.Zip)).size : 0,
  };
  await writeFile(join(partial, 'db-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return { dir, url: `file://${dir}`, info };
}
