// The notAfter of certificate files on disk, for the renewal check, the
// expiry warnings and the metric. A missing or unreadable file is left out
// of the expiries (nothing to report) and reads as undefined for renewal.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CertExpiry } from './plan-expiry-warnings.ts';

export interface CertFileRef {
  readonly name: string;
  readonly path: string;
}

/** notAfter of the first certificate in the file (kubelet's *-current.pem holds the key too). */
export async function readNotAfter(path: string): Promise<Date | undefined> {
  try {
    return new Date(new X509Certificate(await readFile(path)).validTo);
  } catch {
    return undefined;
  }
}

export async function readCertExpiries(files: readonly CertFileRef[]): Promise<CertExpiry[]> {
  const out: CertExpiry[] = [];
  for (const f of files) {
    const notAfter = await readNotAfter(f.path);
    if (notAfter) out.push({ name: f.name, notAfter });
  }
  return out;
}
