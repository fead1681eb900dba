// Pure: what `rfo certificate rotate` does on disk, decided before anything
// is touched: copy the certificates to a dated backup, then remove the
// selected leaves (never a CA, never service.key), so the next start issues
// them again under the same CAs (servers: applyPki; agents fetch theirs from
// a server at every start anyway). RKE2's layout: server/tls → server/tls-<unix>,
// an agent's files → agent/tls-<unix>.

import { leavesOf, planInventory } from './plan-inventory.ts';
import type { CertService, NodeRole } from './plan-inventory.ts';

export interface RotationPlan {
  /** Relative to the data dir; must not exist yet. */
  readonly backupDir: string;
  /** A whole directory copied into the backup (the server's tls dir), relative to the data dir. */
  readonly copyDir?: { readonly from: string; readonly to: string };
  /** Single files copied into the backup (an agent's), relative to the data dir. */
  readonly copyFiles: readonly { readonly from: string; readonly to: string }[];
  /** Removed after the copy, relative to the data dir. */
  readonly remove: readonly string[];
  /** Per service, the certificate files it had (for the report). */
  readonly rotated: readonly { readonly service: CertService; readonly files: readonly string[] }[];
}

export function planCertRotation(role: NodeRole, services: readonly CertService[], present: ReadonlySet<string>, nowSeconds: number): RotationPlan {
  const leaves = leavesOf(role, services);
  const remove = [...new Set(leaves.flatMap((c) => [c.certFile, ...(c.keyFile ? [c.keyFile] : [])]))].filter((f) => present.has(f));
  const rotated = services
    .map((service) => ({ service, files: leaves.filter((c) => c.service === service || (service === 'flannel' && c.service === 'rfo-controller')).map((c) => c.certFile).filter((f) => present.has(f)) }))
    .filter((r) => r.files.length > 0);
  const stamp = `tls-${Math.floor(nowSeconds)}`;
  if (role === 'server') {
    return { backupDir: `server/${stamp}`, copyDir: { from: 'server/tls', to: `server/${stamp}` }, copyFiles: [], remove, rotated };
  }
  // An agent keeps no tls dir: every managed file it has goes into the backup, selected or not.
  const files = planInventory('agent')
    .flatMap((c) => [c.certFile, ...(c.keyFile ? [c.keyFile] : [])])
    .filter((f) => present.has(f));
  return { backupDir: `agent/${stamp}`, copyFiles: files.map((f) => ({ from: f, to: `agent/${stamp}/${f.slice('agent/'.length)}` })), remove, rotated };
}
