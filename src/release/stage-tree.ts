// Lays out the files a release installs, relative to its prefix (/usr/local
// for the tarball, /usr for the RPM):
//   bin/rfo, bin/rfo-killall.sh, bin/rfo-uninstall.sh
//   lib/systemd/system/rfo-server.service, rfo-agent.service
//   lib/rfo/{node, src/, node_modules/, package.json, build-info.json, rfo-release.pub}
//   lib/rfo/runtime/{bin/, charts/, manifest.json, manifest.json.sig, sha256sum-<arch>.txt,
//                    vulnerability-report-<arch>.{json,txt} and their .sig}
// The runtime's images are not in the tree: they ship as the airgap archive,
// which the installer copies to <data-dir>/agent/images.

import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { repoRoot } from '../build/paths.ts';
import { renderUnit } from './render-units.ts';

export interface StageInput {
  readonly out: string;
  readonly prefix: string;
  readonly runtimeDir: string;
  readonly arch: string;
  /** The Node binary for this arch (release/node-runtime.ts). */
  readonly nodeBinary: string;
  readonly buildInfo: Readonly<Record<string, string>>;
  readonly publicKeyPem: string;
  readonly manifestSignature: string;
  /** The vulnerability report (.json) and table (.txt) of this runtime, each with a .sig beside it. */
  readonly vulnReport?: readonly string[];
}

/** npm packages rfo needs at run time: package.json dependencies minus the Node runtime itself, with theirs. */
export async function productionPackages(root = repoRoot): Promise<{ name: string; version: string; license?: string }[]> {
  const seen = new Map<string, { name: string; version: string; license?: string }>();
  const visit = async (name: string) => {
    if (seen.has(name) || name === 'node') return;
    const pkg = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string; license?: string; dependencies?: Record<string, string> };
    seen.set(name, { name, version: pkg.version, ...(typeof pkg.license === 'string' ? { license: pkg.license } : {}) });
    for (const dep of Object.keys(pkg.dependencies ?? {})) await visit(dep);
  };
  const own = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(own.dependencies ?? {})) await visit(dep);
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function copyTree(from: string, to: string, keep: (rel: string) => boolean, base = from): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (!keep(relative(base, src))) continue;
    if (e.isDirectory()) await copyTree(src, dst, keep, base);
    else if (e.isSymbolicLink()) await symlink(await readlink(src), dst);
    // Copies, not hard links: tar fails if a link count (ctime) changes mid-read,
    // and other rfo processes link the same cached runtime files.
    else await copyFile(src, dst);
  }
}

/** The units are the only files that name the prefix: the RPM's tree is the tarball's with these rewritten. */
export async function writeUnits(out: string, prefix: string): Promise<void> {
  const units = join(out, 'lib', 'systemd', 'system');
  await mkdir(units, { recursive: true });
  for (const role of ['server', 'agent'] as const) await writeFile(join(units, `rfo-${role}.service`), renderUnit(role, prefix), { mode: 0o644 });
}

export async function stageTree(input: StageInput): Promise<void> {
  const { out } = input;
  await rm(out, { recursive: true, force: true });
  const lib = join(out, 'lib', 'rfo');
  await mkdir(join(out, 'bin'), { recursive: true });
  await copyFile(join(repoRoot, 'packaging', 'rfo-entry.sh'), join(out, 'bin', 'rfo'));
  await copyFile(join(repoRoot, 'bin', 'rfo-killall.sh'), join(out, 'bin', 'rfo-killall.sh'));
  await copyFile(join(repoRoot, 'bin', 'rfo-uninstall.sh'), join(out, 'bin', 'rfo-uninstall.sh'));
  for (const f of ['rfo', 'rfo-killall.sh', 'rfo-uninstall.sh']) await chmod(join(out, 'bin', f), 0o755);

  await writeUnits(out, input.prefix);

  // rfo itself: sources without tests, the pinned Node, production packages.
  await copyTree(join(repoRoot, 'src'), join(lib, 'src'), (rel) => !rel.endsWith('.test.ts'));
  await copyFile(input.nodeBinary, join(lib, 'node'));
  await chmod(join(lib, 'node'), 0o755);
  for (const p of await productionPackages()) await copyTree(join(repoRoot, 'node_modules', p.name), join(lib, 'node_modules', p.name), () => true);
  await copyFile(join(repoRoot, 'package.json'), join(lib, 'package.json'));
  await writeFile(join(lib, 'build-info.json'), `${JSON.stringify(input.buildInfo, null, 2)}\n`);
  await writeFile(join(lib, 'rfo-release.pub'), input.publicKeyPem);

  // The runtime: binaries and the signed manifest (images ship separately).
  const rt = join(lib, 'runtime');
  await copyTree(join(input.runtimeDir, 'bin'), join(rt, 'bin'), () => true);
  // The packaged charts (rfo-coredns...), written to server/manifests as HelmCharts.
  if (existsSync(join(input.runtimeDir, 'charts'))) await copyTree(join(input.runtimeDir, 'charts'), join(rt, 'charts'), () => true);
  for (const f of ['manifest.json', `sha256sum-${input.arch}.txt`]) await copyFile(join(input.runtimeDir, f), join(rt, f));
  await writeFile(join(rt, 'manifest.json.sig'), `${input.manifestSignature}\n`);
  // `rfo verify --vulns` prints these (their signatures checked first).
  for (const f of input.vulnReport ?? []) {
    for (const file of [f, `${f}.sig`]) await copyFile(file, join(rt, basename(file)));
  }
}
