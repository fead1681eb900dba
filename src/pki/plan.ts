// Pure: given the wanted certificates and what is on disk, decide per
// certificate: keep it, create it, renew it (expiring), or reissue it (its
// signer or names changed). Existing valid material is never regenerated:
// restarting a server must keep its cluster identity.

import type { CertSpec } from './specs.ts';
import { renewBeforeDays } from './specs.ts';

/** What is known about a certificate already on disk. */
export interface ExistingCert {
  readonly notAfter: Date;
  /** Fingerprint of the issuing CA certificate (for leaves). */
  readonly issuerFingerprint?: string;
  /** This certificate's own fingerprint (for CAs, what leaves are checked against). */
  readonly fingerprint: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly keyMatches: boolean;
}

export type PkiAction =
  | { readonly action: 'keep'; readonly id: string }
  | { readonly action: 'create'; readonly id: string }
  | { readonly action: 'renew'; readonly id: string; readonly reason: string }
  | { readonly action: 'reissue'; readonly id: string; readonly reason: string };

const dayMs = 24 * 60 * 60 * 1000;

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && [...sa].every((x) => b.includes(x));
}

/**
 * What to do about an expiring CA: rfo never replaces one by itself (that
 * would orphan every node), the operator does with rotate-ca.
 */
export const caRotationHint =
  'rfo never replaces a CA by itself (that would orphan every node): before it expires, stage a new CA cross-signed by the current one and run rfo certificate rotate-ca --path <dir> against every server, then restart the servers and the agents (README "Certificates")';

/**
 * CAs are planned first; a leaf whose CA is created or reissued is reissued
 * too. An expiring CA is reported for renewal but never replaced
 * automatically: that would orphan every node (see caRotationHint).
 */
export function planPki(specs: readonly CertSpec[], existing: ReadonlyMap<string, ExistingCert>, now: Date): PkiAction[] {
  const actions: PkiAction[] = [];
  const replacedCas = new Set<string>();
  for (const spec of specs.filter((s) => s.kind === 'ca')) {
    const cur = existing.get(spec.id);
    if (!cur || !cur.keyMatches) {
      actions.push({ action: 'create', id: spec.id });
      replacedCas.add(spec.id);
    } else if (cur.notAfter.getTime() - now.getTime() < renewBeforeDays * dayMs) {
      actions.push({ action: 'renew', id: spec.id, reason: `expires ${cur.notAfter.toISOString()}; ${caRotationHint}` });
    } else actions.push({ action: 'keep', id: spec.id });
  }
  for (const spec of specs) {
    if (spec.kind !== 'leaf') continue;
    const cur = existing.get(spec.id);
    const signer = existing.get(spec.signer);
    if (!cur || !cur.keyMatches) actions.push({ action: 'create', id: spec.id });
    else if (replacedCas.has(spec.signer) || (signer && cur.issuerFingerprint !== signer.fingerprint)) {
      actions.push({ action: 'reissue', id: spec.id, reason: `its signer ${spec.signer} changed` });
    } else if (!sameSet(cur.dnsNames, spec.dnsNames) || !sameSet(cur.ipAddresses, spec.ipAddresses)) {
      actions.push({ action: 'reissue', id: spec.id, reason: 'its subject alternative names changed' });
    } else if (cur.notAfter.getTime() - now.getTime() < renewBeforeDays * dayMs) {
      actions.push({ action: 'renew', id: spec.id, reason: `expires ${cur.notAfter.toISOString()}` });
    } else actions.push({ action: 'keep', id: spec.id });
  }
  return actions;
}
