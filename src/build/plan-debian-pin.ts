// Pure: which Debian package file a deb-binary recipe takes for an arch
// (table.ts `debian`), and the file name apt gives it.

import type { Arch, Component } from '../versions/table.ts';

export interface DebianPin {
  readonly package: string;
  readonly version: string;
  readonly arch: Arch;
  readonly sha256: string;
}

/** Pure: the pin of a component for an arch, or why there is none. */
export function debianPinOf(component: Component, arch: Arch): DebianPin | { readonly missing: string } {
  const d = component.debian;
  if (!d) return { missing: `${component.id} names no Debian package` };
  const sha256 = d.sha256[arch];
  if (!sha256) return { missing: `no .deb of ${d.package} ${d.version} is pinned for ${arch} (table.ts ${component.id}.debian.sha256)` };
  return { package: d.package, version: d.version, arch, sha256 };
}

/** Pure: the name apt gives the file (epoch colon as %3a), e.g. busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb. */
export function debFileName(pin: Pick<DebianPin, 'package' | 'version' | 'arch'>): string {
  return `${pin.package}_${pin.version.replace(':', '%3a')}_${pin.arch}.deb`;
}

