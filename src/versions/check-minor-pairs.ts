// Pure: does a minor's version table run what upstream pairs with that
// Kubernetes minor? kubeadm's cmd/kubeadm/app/constants/constants.go is
// upstream's own list (DefaultEtcdVersion, CoreDNSVersion, PauseVersion).

import type { Component, ComponentId } from './table.ts';

export interface KubeadmPairs {
  readonly etcd: string;
  readonly coredns: string;
  readonly pause: string;
}

/** Reads the three constants; "3.6.6-0" (kubeadm's image tag) becomes v3.6.6. */
export function parseKubeadmPairs(constantsGo: string): KubeadmPairs {
  const read = (name: string): string => {
    const m = new RegExp(`\\b${name}\\s*=\\s*"([^"]+)"`).exec(constantsGo);
    if (!m?.[1]) throw new Error(`kubeadm constants: ${name} not found`);
    return m[1];
  };
  const etcd = read('DefaultEtcdVersion').replace(/-\d+$/, '');
  return { etcd: `v${etcd.replace(/^v/, '')}`, coredns: `v${read('CoreDNSVersion').replace(/^v/, '')}`, pause: read('PauseVersion') };
}

/** Release versions only (v3.6.16): numeric compare of major, minor, patch. */
function compareSemver(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const line = (v: string) => v.replace(/^v/, '').split('.').slice(0, 2).join('.');

/**
 * etcd: the same minor line as kubeadm's, at least its patch (a newer patch
 * carries fixes). pause: exactly kubeadm's (the sandbox image kubelet asks
 * for). CoreDNS: at least kubeadm's (newer lines read the same APIs); a
 * different line is allowed only with a written reason (`notes`).
 */
export function checkMinorPairs(table: Readonly<Record<ComponentId, Component>>, kubeadm: KubeadmPairs, notes: readonly string[] = []): string[] {
  const problems: string[] = [];
  const etcd = table.etcd.version;
  if (line(etcd) !== line(kubeadm.etcd) || compareSemver(etcd, kubeadm.etcd) < 0) problems.push(`etcd ${etcd}: kubeadm names ${kubeadm.etcd} (same line, same or newer patch)`);
  if (table.pause.version !== kubeadm.pause) problems.push(`pause ${table.pause.version}: kubeadm names ${kubeadm.pause}`);
  const coredns = table.coredns.version;
  if (compareSemver(coredns, kubeadm.coredns) < 0) problems.push(`coredns ${coredns} is older than kubeadm's ${kubeadm.coredns}`);
  else if (line(coredns) !== line(kubeadm.coredns) && !notes.some((n) => n.includes('CoreDNS'))) problems.push(`coredns ${coredns}: kubeadm names the ${line(kubeadm.coredns)} line; say why in the minor's notes`);
  return problems;
}
