// Pure: what a certificate check does. Which leaves to renew (fewer than
// renewBeforeDays left, or missing), and for the ones renewed: which
// components to restart (only those running on this node, in start order, each
// once), which kubeconfigs to rewrite, and what to reload in place.

import { certConsumers } from './cert-consumers.ts';
import type { Reload } from './cert-consumers.ts';
import { renewBeforeDays } from './specs.ts';

const dayMs = 24 * 60 * 60 * 1000;

export interface CertOnDisk {
  /** The file without .crt, as in certConsumers. */
  readonly file: string;
  /** undefined: missing or unreadable. */
  readonly notAfter: Date | undefined;
}

/** Leaves that need a new certificate now. */
export function planRenewals(certs: readonly CertOnDisk[], now: Date, beforeDays = renewBeforeDays): string[] {
  return certs.filter((c) => c.notAfter === undefined || c.notAfter.getTime() - now.getTime() < beforeDays * dayMs).map((c) => c.file);
}

export interface RenewalEffects {
  readonly restart: readonly string[];
  readonly reload: readonly Reload[];
  readonly kubeconfigs: readonly string[];
}

/** Restarts run in this order, so etcd is back before kube-apiserver and the apiserver before its clients. */
const restartOrder = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'helm-controller', 'kubelet', 'kube-proxy', 'flanneld'];

/** running: the components this node runs (helm-controller and flanneld may be off). */
export function planRenewalEffects(renewed: readonly string[], running: ReadonlySet<string>): RenewalEffects {
  const restart = new Set<string>();
  const reload = new Set<Reload>();
  const kubeconfigs = new Set<string>();
  for (const file of renewed) {
    const c = certConsumers[file];
    if (!c) continue;
    for (const r of c.restart) if (running.has(r)) restart.add(r);
    if (c.reload) reload.add(c.reload);
    for (const k of c.kubeconfigs ?? []) kubeconfigs.add(k);
  }
  const rank = (n: string) => (restartOrder.includes(n) ? restartOrder.indexOf(n) : restartOrder.length);
  return { restart: [...restart].sort((a, b) => rank(a) - rank(b)), reload: [...reload].sort(), kubeconfigs: [...kubeconfigs].sort() };
}
