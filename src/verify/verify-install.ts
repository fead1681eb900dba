// `rfo verify`: checks an installed runtime and the airgap images against the
// release-signed manifest. First the manifest's signature (the release public
// key shipped with rfo, or --key), then every binary's sha256, the alias
// links, files nobody listed, and the airgap archive (in the runtime, or in
// <data-dir>/agent/images where install-rfo.sh puts it). Any difference is
// named by path; the exit code says whether the install is intact.

import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../build/paths.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { RfoError } from '../errors.ts';
import { verifyBlob } from '../pki/signing.ts';
import { sha256File } from '../util/sha256-file.ts';
import { locateRuntime } from '../runtime/locate-runtime.ts';
import { checkManifest } from './check-manifest.ts';
import type { Finding } from './check-manifest.ts';

export interface VerifyReport {
  readonly runtimeDir: string;
  readonly checked: number;
  readonly findings: readonly Finding[];
  readonly keyPath: string;
  readonly archive?: string;
}

export const verifyUsage = `Usage: rfo verify [options]

Check the installed runtime and airgap images against the signed manifest.

Options:
  --runtime-dir DIR   runtime to check (default: the one shipped with rfo)
  --data-dir DIR      rfo's data dir, for agent/images (default $RFO_DATA_DIR or /var/lib/rancher/rfo)
  --images-dir DIR    where the airgap archive is (default <data-dir>/agent/images)
  --key FILE          release public key (default: the one shipped with rfo)
  --vulns             print the installed runtime's signed vulnerability report instead
`;

export function parseVerifyArgs(args: string[], env: NodeJS.ProcessEnv): { runtimeDir?: string; imagesDir: string; key: string; vulns: boolean } {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { 'runtime-dir': { type: 'string' }, 'data-dir': { type: 'string' }, 'images-dir': { type: 'string' }, key: { type: 'string' }, vulns: { type: 'boolean', default: false } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new RfoError('RFO_USAGE', (err as Error).message, { hint: 'rfo verify --help' });
  }
  const dataDir = values['data-dir'] ?? env.RFO_DATA_DIR ?? '/var/lib/rancher/rfo';
  return {
    ...(values['runtime-dir'] ? { runtimeDir: values['runtime-dir'] } : env.RFO_RUNTIME_DIR ? { runtimeDir: env.RFO_RUNTIME_DIR } : {}),
    imagesDir: values['images-dir'] ?? join(dataDir, 'agent', 'images'),
    key: values.key ?? join(repoRoot, 'rfo-release.pub'),
    vulns: values.vulns === true,
  };
}

async function hashOrMissing(path: string): Promise<string> {
  return existsSync(path) ? sha256File(path) : 'missing';
}

/** A finding if the file's sha256 is not the one the signed manifest gives. */
async function compareHash(path: string, expected: string, what = ''): Promise<Finding[]> {
  const got = await sha256File(path);
  return got === expected ? [] : [{ path, problem: 'modified', detail: `sha256 ${got}, the signed manifest says ${expected}${what}` }];
}

export async function verifyInstall(opts: { runtimeDir?: string; imagesDir: string; key: string }): Promise<VerifyReport> {
  const runtime = await locateRuntime(opts.runtimeDir);
  const dir = runtime.dir;
  const manifestPath = join(dir, 'manifest.json');
  const manifestBytes = await readFile(manifestPath);
  const publicKey = await readFile(opts.key, 'utf8').catch(() => {
    throw new RfoError('RFO_VERIFY_FAILED', `no release public key at ${opts.key}`, { hint: 'pass --key <rfo-release.pub> (it is published next to install-rfo.sh)' });
  });
  const sig = await readFile(`${manifestPath}.sig`, 'utf8').catch(() => {
    throw new RfoError('RFO_VERIFY_FAILED', `${manifestPath} is not signed (no manifest.json.sig)`, { hint: 'only a release install (install-rfo.sh or the RPM) has a signed manifest' });
  });
  if (!verifyBlob(publicKey, manifestBytes, sig)) {
    throw new RfoError('RFO_SIGNATURE_INVALID', `the signature of ${manifestPath} does not match the release key ${opts.key}: the manifest was changed or signed by someone else`, {
      hint: 'reinstall rfo with install-rfo.sh',
    });
  }
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as RuntimeManifest;

  const hashes = new Map<string, string>();
  for (const a of manifest.artifacts) if (a.kind === 'binary' || a.kind === 'chart') hashes.set(a.path, await hashOrMissing(join(dir, a.path)));
  const binEntries: string[] = [];
  const links = new Map<string, string>();
  for (const name of await readdir(join(dir, 'bin')).catch(() => [] as string[])) {
    binEntries.push(name);
    if ((await lstat(join(dir, 'bin', name))).isSymbolicLink()) links.set(name, await readlink(join(dir, 'bin', name)));
  }
  const findings = [...checkManifest(manifest, { hashes, binEntries, links })];
  let checked = hashes.size;

  // The airgap archive: in the runtime (a build) or agent/images (a release install).
  const archive = manifest.artifacts.find((a) => a.kind === 'archive');
  let archivePath: string | undefined;
  if (archive) {
    const candidates = [join(dir, archive.path), join(opts.imagesDir, archive.name)];
    archivePath = candidates.find((p) => existsSync(p));
    if (!archivePath) findings.push({ path: candidates[1] ?? archive.name, problem: 'missing', detail: `the airgap archive (${archive.images.join(', ')}) is in neither ${candidates.join(' nor ')}` });
    else {
      checked += 1;
      findings.push(...(await compareHash(archivePath, archive.sha256)));
    }
  }
  // Per-image archives exist only in a build's runtime; check them where present.
  for (const a of manifest.artifacts) {
    if (a.kind !== 'image' || !existsSync(join(dir, a.path))) continue;
    checked += 1;
    findings.push(...(await compareHash(join(dir, a.path), a.sha256, ` (${a.name} ${a.digest})`)));
  }
  return { runtimeDir: dir, checked, findings, keyPath: opts.key, ...(archivePath ? { archive: archivePath } : {}) };
}

export function renderReport(r: VerifyReport): string {
  const lines = [`runtime ${r.runtimeDir}: manifest signature OK (${r.keyPath})`];
  for (const f of r.findings) lines.push(`${f.problem.toUpperCase()} ${f.path}: ${f.detail}`);
  lines.push(r.findings.length === 0 ? `verified ${r.checked} files against the signed manifest: all match` : `${r.findings.length} of the installed files differ from the signed manifest`);
  return `${lines.join('\n')}\n`;
}
