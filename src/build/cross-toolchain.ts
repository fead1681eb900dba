// Pure: what a build for another arch uses as its C toolchain. Debian's cross
// compilers are named by GNU triplet (aarch64-linux-gnu-gcc); pkg-config is
// pointed at the target's libraries only (PKG_CONFIG_LIBDIR, never the
// host's), so a cgo build cannot link an amd64 libseccomp by mistake.

import type { Arch } from '../versions/table.ts';

/** GNU triplets of Debian's toolchains, by Go arch (Debian's arch names are the same). */
export const gnuTriplet: Readonly<Record<Arch, string>> = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', riscv64: 'riscv64-linux-gnu' };

/** The C compiler command for a target: the host's gcc, or Debian's cross gcc. */
export function cCompilerFor(arch: Arch, hostArch: Arch): string {
  return arch === hostArch ? 'gcc' : `${gnuTriplet[arch]}-gcc`;
}

/** Where pkg-config finds the target's multiarch libraries (Debian's layout), cross builds only. */
export function multiarchPkgConfigDirs(arch: Arch): string {
  return `/usr/lib/${gnuTriplet[arch]}/pkgconfig:/usr/share/pkgconfig`;
}

/**
 * The environment a cgo build adds for a cross target: CC (recorded in the
 * manifest) and PKG_CONFIG_LIBDIR (a host path, not recorded: the
 * libseccomp fact in the key and manifest names what is there).
 */
export function crossCgoEnv(ccCommand: string | undefined, pkgConfigLibdir: string | undefined): { recorded: Record<string, string>; local: Record<string, string> } {
  if (!ccCommand || ccCommand === 'gcc') return { recorded: {}, local: {} };
  return { recorded: { CC: ccCommand }, local: pkgConfigLibdir ? { PKG_CONFIG_LIBDIR: pkgConfigLibdir } : {} };
}

/** Parse `dpkg-query -W -f '${Version}'` output into a libseccomp fact, or undefined when not installed. */
export function libseccompFact(pkg: string, version: string): string | undefined {
  const v = version.trim();
  return v ? `${pkg} ${v}` : undefined;
}
