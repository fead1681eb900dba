// Debian packages whose files go into an image, pinned like the Go modules:
// name, version and the sha256 of each .deb. Only for userland that has no
// Go module: the network policy image needs iptables and ipset (kube-router
// runs them), and they need glibc. From Debian 12 (bookworm), fetched with
// `apt-get download <name>=<version>` (the ordinary client; the build host's
// apt sources must be bookworm's) and checked against these hashes; the
// manifest records each package's name, version, source package and sha256,
// so the corresponding source can be had from Debian (GPL-2 for iptables,
// ipset; LGPL for glibc).
//
// To move to newer packages (a Debian point release or security update
// replaces the old .deb in the archive, and the build then says so): run
// `apt-get download <name>` for each and put the new version and sha256 here.

import type { Arch } from './table.ts';

export interface DebianPackage {
  readonly name: string;
  readonly version: string;
  /** The Debian source package (for the GPL's corresponding source). */
  readonly source: string;
  readonly license: string;
  /**
   * sha256 of the .deb by architecture ('all' for an architecture-independent
   * package); an image that needs a package not pinned for an arch is skipped there.
   */
  readonly sha256: Readonly<Partial<Record<Arch | 'all', string>>>;
}

export const debianRelease = 'bookworm';

const pkg = (name: string, version: string, source: string, license: string, amd64: string): DebianPackage => ({ name, version, source, license, sha256: { amd64 } });
const pkgAll = (name: string, version: string, source: string, license: string, all: string): DebianPackage => ({ name, version, source, license, sha256: { all } });

export const debianPackages: readonly DebianPackage[] = [
  pkg('iptables', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', '2928d3ca6ca8a3dc3f423f6752822b1f3614a5ba609ff7806bcba4449ffe90e1'),
  pkg('libxtables12', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'cb841d66950a43af4a398625313d2f3da9065299c9738538de6c2c3495857040'),
  pkg('libip4tc2', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'f2c48b367f9ec13f9aa577e7ccf81b371ce5d5fe22dddf9d7aa99f1e0bb7cfc4'),
  pkg('libip6tc2', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'be88db3dfa2fe3345ea343207f7c75345602686121e579023d021c348b9b4f4d'),
  pkg('ipset', '7.17-1', 'ipset', 'GPL-2.0-only', '4bcc86f6658ca92fe2e21a6a7d4fd162d3b94ec3cdc709a9cf05f0a8ad9c7725'),
  pkg('libipset13', '7.17-1', 'ipset', 'GPL-2.0-only', '67fe7a8366878b0431b6e247c04b131b43df90f8090000a2681e63d4c22d02ca'),
  pkg('libnftnl11', '1.2.4-2', 'libnftnl', 'GPL-2.0-or-later', '9e619e1470a1915264e906020f3bfc046fd8458043b1342686d997b5078213af'),
  pkg('libmnl0', '1.0.4-3', 'libmnl', 'LGPL-2.1-or-later', '4581f42e3373cb72f9ea4e88163b17873afca614a6c6f54637e95aa75983ea7c'),
  pkg('libnetfilter-conntrack3', '1.0.9-3', 'libnetfilter-conntrack', 'GPL-2.0-or-later', '65f1539238f60fcc85d115acd640474f45c77bfddcf402eb7d75965a783c2bc8'),
  pkg('libnfnetlink0', '1.0.2-2', 'libnfnetlink', 'GPL-2.0-or-later', 'ae5cbba417ea48f34c1f72c27e8146a81f20614c1296bca2cd7234c8215fddcc'),
  pkg('libc6', '2.36-9+deb12u14', 'glibc', 'LGPL-2.1-or-later', 'ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf'),
  pkgAll('netbase', '6.4', 'netbase', 'GPL-2.0-only', '29b23c48c0fe6f878e56c5ddc9f65d1c05d729360f3690a593a8c795031cd867'),
];

export function debianPackage(name: string): DebianPackage {
  const found = debianPackages.find((p) => p.name === name);
  if (!found) throw new Error(`no pinned Debian package ${name}`);
  return found;
}

/** The pin for an arch: the .deb's arch ('all' or the arch itself) and its sha256, or undefined when not pinned. */
export function debianPin(p: DebianPackage, arch: Arch): { readonly debArch: Arch | 'all'; readonly sha256: string } | undefined {
  if (p.sha256.all) return { debArch: 'all', sha256: p.sha256.all };
  const sha256 = p.sha256[arch];
  return sha256 ? { debArch: arch, sha256 } : undefined;
}

/** The .deb file name apt-get download writes: name_version_arch.deb (an epoch's ':' as %3a). */
export function debFileName(p: DebianPackage, debArch: Arch | 'all'): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${debArch}.deb`;
}

/** Debian's multiarch triplet, the library directory name (/usr/lib/<triplet>). */
export const multiarchTriplet: Readonly<Record<Arch, string>> = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', riscv64: 'riscv64-linux-gnu' };
