// Facts about the build host's toolchains, gathered once and passed to the
// pure planner (they are part of every cache key). The Go toolchain is the
// pinned one (table.ts goToolchain): the go command fetches it itself the
// first time (GOTOOLCHAIN=goN.M.P through `go env GOPROXY`), so any host Go
// from 1.21 on can start it.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, runChecked } from '../util/exec.ts';
import { goToolchain } from '../versions/table.ts';
import type { Arch } from '../versions/table.ts';
import { cCompilerFor, libseccompFact, multiarchPkgConfigDirs } from './cross-toolchain.ts';
import { defaultCacheDir, repoRoot } from './paths.ts';
import { goArch } from './plan-build.ts';
import type { ToolchainFacts } from './plan-build.ts';
import type { Progress } from './progress.ts';

/** The environment for every go command rfo runs: the pinned toolchain, nothing a go.mod asks for. */
export function pinnedGoEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, GOTOOLCHAIN: goToolchain };
}

/** Pure: the go command must have switched to the pinned toolchain; Go before 1.21 ignores GOTOOLCHAIN. */
export function checkGoVersion(reported: string, pinned: string = goToolchain): string {
  if (reported !== pinned) {
    throw new RfoError('RFO_TOOLCHAIN', `the go command reports ${reported || 'nothing'}, not the pinned ${pinned}`, {
      hint: 'the host Go must be 1.21 or newer to fetch the pinned toolchain itself: run `bash scripts/setup-host.sh`',
    });
  }
  return reported;
}

/** First line of `<cc> --version`, or 'none' when that compiler is not installed. */
async function compilerVersion(cc: string): Promise<string> {
  try {
    const r = await run({ cmd: cc, args: ['--version'] });
    if (r.code === 0) return r.stdout.split('\n')[0]?.trim() ?? cc;
  } catch {
    // a missing C compiler only matters for C/cgo artifacts, which check for it
  }
  return 'none';
}

async function dpkgVersion(pkg: string): Promise<string> {
  try {
    const r = await run({ cmd: 'dpkg-query', args: ['-W', '-f', '${Version}', pkg] });
    return r.code === 0 ? r.stdout : '';
  } catch {
    return ''; // not a Debian host
  }
}

/**
 * The static libseccomp runc links for `arch`: Debian's libseccomp-dev for
 * that arch (native or multiarch), else the one scripts/setup-cross.sh built
 * from Debian's source into the cache (riscv64 on bookworm).
 */
async function readLibseccomp(arch: Arch, cross: boolean, cacheDir: string): Promise<{ fact?: string; pkgConfigLibdir?: string }> {
  const pkg = `libseccomp-dev:${arch}`;
  const fact = libseccompFact(pkg, await dpkgVersion(pkg));
  if (fact) return { fact, ...(cross ? { pkgConfigLibdir: multiarchPkgConfigDirs(arch) } : {}) };
  if (!cross) return {};
  const base = join(cacheDir, 'cross', arch);
  const want = `libseccomp-${(await dpkgVersion('libseccomp-dev')).trim()}`;
  const dirs = (await readdir(base).catch(() => [] as string[])).filter((d) => d.startsWith('libseccomp-') && !d.endsWith('.partial'));
  for (const dir of [want, ...dirs.sort().reverse()]) {
    const done = await readFile(join(base, dir, 'done'), 'utf8').catch(() => '');
    if (done) return { fact: done.trim(), pkgConfigLibdir: join(base, dir, 'lib', 'pkgconfig') };
  }
  return {};
}

/** Go and C toolchain facts for building `arch` (default: the host's) on this host. */
export async function readToolchain(arch?: Arch, cacheDir: string = defaultCacheDir()): Promise<ToolchainFacts> {
  const go = await runChecked({ cmd: 'go', args: ['env', 'GOVERSION'], env: pinnedGoEnv(), purpose: `fetching/reading the Go toolchain ${goToolchain}` });
  const hostArch = goArch(process.arch);
  const target = arch ?? hostArch;
  const ccCommand = cCompilerFor(target, hostArch);
  const cc = await compilerVersion(ccCommand);
  const seccomp = await readLibseccomp(target, target !== hostArch, cacheDir);
  return {
    go: checkGoVersion(go.stdout.trim()),
    cc,
    ...(ccCommand !== 'gcc' ? { ccCommand } : {}),
    ...(seccomp.fact ? { libseccomp: seccomp.fact } : {}),
    ...(seccomp.pkgConfigLibdir ? { pkgConfigLibdir: seccomp.pkgConfigLibdir } : {}),
  };
}

/**
 * A cross build of C or cgo artifacts needs Debian's cross compiler (and for
 * runc a libseccomp for the target): install them with scripts/setup-cross.sh
 * when missing, then read the facts again. Native builds never install here
 * (scripts/setup-host.sh does).
 */
export async function ensureCrossToolchain(arch: Arch, facts: ToolchainFacts, needs: { c: boolean; seccomp: boolean }, progress: Progress): Promise<ToolchainFacts> {
  if (arch === goArch(process.arch) || !needs.c) return facts;
  if (facts.cc !== 'none' && (!needs.seccomp || facts.libseccomp)) return facts;
  const started = Date.now();
  progress.step('toolchain', 'building', `installing the ${arch} cross toolchain (scripts/setup-cross.sh ${arch})`);
  const r = await run({ cmd: 'bash', args: [join(repoRoot, 'scripts', 'setup-cross.sh'), arch], purpose: `installing the ${arch} cross toolchain` });
  if (r.code !== 0) {
    throw new RfoError('RFO_TOOLCHAIN', `scripts/setup-cross.sh ${arch} failed:\n${r.stderr.trim().split('\n').slice(-10).join('\n')}`, {
      hint: `run \`bash scripts/setup-cross.sh ${arch}\` as root on a Debian 12 amd64 host (it installs gcc-${arch === 'arm64' ? 'aarch64' : 'riscv64'}-linux-gnu and libseccomp for ${arch})`,
    });
  }
  progress.step('toolchain', 'done', `${Math.round((Date.now() - started) / 1000)} s`);
  const again = await readToolchain(arch);
  if (again.cc === 'none' || (needs.seccomp && !again.libseccomp)) {
    throw new RfoError('RFO_TOOLCHAIN', `after scripts/setup-cross.sh ${arch}: ${again.cc === 'none' ? `no ${cCompilerFor(arch, goArch(process.arch))}` : `no libseccomp for ${arch}`}`, {
      hint: 'read the setup-cross output above; it needs root and Debian 12 package mirrors',
    });
  }
  return again;
}
