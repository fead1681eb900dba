// The Node runtime a release ships (lib/rfo/node) must match the release's
// arch. The pinned Node is package.json's `node` dependency, whose installer
// fetches the host's binary from the npm package node-linux-<cpu>; for
// another arch the release takes the same version of that arch's package
// with `npm pack` (npm checks its integrity), cached by version and arch.
// Node.js publishes no riscv64 build (no node-linux-riscv64 package), so a
// riscv64 release has no Node to ship and is refused.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../build/paths.ts';
import { goArch } from '../build/plan-build.ts';
import { RfoError } from '../errors.ts';
import { runChecked } from '../util/exec.ts';
import { sha256File } from '../util/sha256-file.ts';
import type { Arch } from '../versions/table.ts';

/** Pure: the npm package holding Node's Linux binary for a Go arch, or undefined when Node.js builds none. */
export function nodePackageFor(arch: Arch): string | undefined {
  const cpu: Partial<Record<Arch, string>> = { amd64: 'x64', arm64: 'arm64' };
  return cpu[arch] ? `node-linux-${cpu[arch]}` : undefined;
}

export interface NodeBinary {
  readonly path: string;
  readonly version: string;
  readonly sha256: string;
  /** Where it came from: the host's installed package, or the npm package fetched for the arch. */
  readonly source: string;
}

/** The pinned Node version: package.json dependencies.node. */
export async function pinnedNodeVersion(root = repoRoot): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const v = pkg.dependencies?.node;
  if (!v || !/^\d+\.\d+\.\d+$/.test(v)) throw new RfoError('RFO_BUILD_FAILED', `package.json pins node at ${String(v)}, not an exact version`);
  return v;
}

export async function nodeBinaryFor(arch: Arch, cacheDir: string): Promise<NodeBinary> {
  const version = await pinnedNodeVersion();
  const pkg = nodePackageFor(arch);
  if (!pkg) {
    throw new RfoError('RFO_UNSUPPORTED_ARCH', `no Node.js ${version} for ${arch}: Node.js publishes no ${arch} build (the npm registry has no node-linux-${arch})`, {
      hint: `rfo runs on its bundled Node; the ${arch} runtime builds (npm run build:runtime -- --arch ${arch}), but its release needs a Node for ${arch} first`,
    });
  }
  if (arch === goArch(process.arch)) {
    const path = join(repoRoot, 'node_modules', 'node', 'bin', 'node');
    return { path, version, sha256: await sha256File(path), source: `${pkg}@${version} (node_modules)` };
  }
  const dir = join(cacheDir, 'node', `${pkg}-${version}`);
  const path = join(dir, 'node');
  if (!existsSync(path)) {
    await mkdir(join(cacheDir, 'node'), { recursive: true });
    const work = await mkdtemp(join(cacheDir, 'node', '.fetch-'));
    try {
      const packed = await runChecked({ cmd: 'npm', args: ['pack', '--silent', `${pkg}@${version}`, '--pack-destination', work], cwd: work, purpose: `fetching ${pkg}@${version} from the npm registry` });
      const tgz = packed.stdout.trim().split('\n').at(-1) ?? '';
      await runChecked({ cmd: 'tar', args: ['-xzf', join(work, tgz), '-C', work, 'package/bin/node'], purpose: `unpacking ${pkg}@${version}` });
      await mkdir(`${dir}.partial`, { recursive: true });
      await rename(join(work, 'package', 'bin', 'node'), join(`${dir}.partial`, 'node'));
      await rm(dir, { recursive: true, force: true });
      await rename(`${dir}.partial`, dir);
    } finally {
      await rm(work, { recursive: true, force: true });
      await rm(`${dir}.partial`, { recursive: true, force: true });
    }
  }
  return { path, version, sha256: await sha256File(path), source: `${pkg}@${version} (npm pack)` };
}
