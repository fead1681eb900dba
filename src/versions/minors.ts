// The Kubernetes minors rfo maintains, as data: for each, the newest patch
// the Go module proxy serves, the components upstream pairs with that minor
// (kubeadm's constants.go names etcd, CoreDNS and pause; the unit test reads
// them from the pinned module), and the dates of the support matrix.
//
// rfo follows upstream's policy: three minors at a time, each patched for
// about 14 months (12 months of active support, then 2 of maintenance,
// https://kubernetes.io/releases/patch-releases/). The newest stable minor is
// the default runtime and the `stable` channel.

import type { Component, ComponentId } from './table.ts';

export type Minor = '1.35' | '1.36' | '1.37';

export interface MinorLine {
  readonly minor: Minor;
  /** Newest patch of the minor the module proxy serves. */
  readonly kubernetes: string;
  /** The versions that differ from the default table; everything else is shared. */
  readonly pairs: Readonly<Partial<Record<'etcd' | 'coredns' | 'pause', string>>>;
  /** Why a paired version differs from what kubeadm names (shown in the matrix notes). */
  readonly notes?: readonly string[];
  /** Security floors of this minor's k8s.io/kubernetes wrapper (govulncheck findings). */
  readonly goRequires?: Readonly<Record<string, string>>;
  /** Upstream's release date of X.Y.0. */
  readonly kubernetesReleased: string;
  /** The first rfo release of this minor. */
  readonly rfoReleased: string;
  /** End of active support (upstream: X.Y.0 + 12 months) and end of maintenance (+14 months). */
  readonly endOfActiveSupport: string;
  readonly endOfMaintenance: string;
}

export const defaultMinor: Minor = '1.36';

export const minorLines: readonly MinorLine[] = [
  {
    minor: '1.35',
    kubernetes: 'v1.35.4',
    pairs: { pause: '3.10.1' },
    notes: [
      'kubeadm 1.35 names CoreDNS v1.13.1; the module proxy serves only the 1.14 line, so 1.35 runs v1.14.7 (the Kubernetes APIs it reads are unchanged)',
      'etcd v3.6.16: the newest patch of the 3.6 line kubeadm 1.35 names (3.6.6)',
    ],
    kubernetesReleased: '2025-12-17',
    rfoReleased: '2026-12-05',
    endOfActiveSupport: '2026-12-28',
    endOfMaintenance: '2027-02-28',
  },
  {
    minor: '1.36',
    kubernetes: 'v1.36.3',
    pairs: {},
    kubernetesReleased: '2026-04-22',
    rfoReleased: '2026-11-23',
    endOfActiveSupport: '2027-04-28',
    endOfMaintenance: '2027-06-28',
  },
  {
    minor: '1.37',
    kubernetes: 'v1.37.2',
    pairs: { etcd: 'v3.7.4' },
    notes: ['etcd v3.7.4: kubeadm 1.37 names the 3.7 line (3.7.0); a 1.36 cluster upgrades its etcd data to 3.7 in place, and cannot go back'],
    kubernetesReleased: '2026-08-26',
    rfoReleased: '2026-12-05',
    endOfActiveSupport: '2027-08-28',
    endOfMaintenance: '2027-10-28',
  },
];

export function minorLine(minor: string): MinorLine | undefined {
  return minorLines.find((l) => l.minor === minor);
}

/** "v1.35.4" / "1.35.4+rfor1" → "1.35". */
export function minorOf(version: string): string {
  const m = /^v?(\d+)\.(\d+)\./.exec(version);
  if (!m) throw new Error(`not a version: ${version}`);
  return `${m[1]}.${m[2]}`;
}

/** The wrapper module directory (go/<name>) for a component version that differs from the default table's. */
function wrapperName(id: ComponentId, version: string): string {
  return `${id}-${minorOf(version)}`;
}

/**
 * The version table of one minor: the default table with Kubernetes and the
 * paired components replaced. A replaced component builds from its own
 * wrapper module (go/kubernetes-1.35, go/etcd-3.7) so go.sum pins each
 * version's dependencies; components that stay the same share the default's.
 */
export function tableForMinor(base: Readonly<Record<ComponentId, Component>>, minor: string): Record<ComponentId, Component> {
  const line = minorLine(minor);
  if (!line) throw new Error(`no minor ${minor}`);
  const table: Record<ComponentId, Component> = { ...base };
  const replace = (id: ComponentId, version: string, extra: Partial<Component> = {}) => {
    if (base[id].version === version && Object.keys(extra).length === 0) return;
    const modules = base[id].modules;
    table[id] = { ...base[id], ...extra, version, ...(modules.length > 0 ? { wrapper: wrapperName(id, version) } : {}) };
  };
  if (minor !== defaultMinor) {
    replace('kubernetes', line.kubernetes, { note: `newest v${minor} patch served by the Go module proxy`, ...(line.goRequires ? { goRequires: line.goRequires } : {}) });
    // The conformance suite is the same module at the same version (go/conformance-<minor>).
    replace('conformance', line.kubernetes);
  }
  for (const [id, version] of Object.entries(line.pairs) as ['etcd' | 'coredns' | 'pause', string][]) replace(id, version);
  return table;
}
