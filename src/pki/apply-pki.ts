// The imperative half of the PKI: read what is on disk, ask planPki what to
// do, issue what is missing or stale, and write keys (0600) and certificates
// atomically. Existing valid material is kept, so restarts keep identities.

import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { ipv6Groups } from '../util/ip.ts';
import { planPki } from './plan.ts';
import type { ExistingCert, PkiAction } from './plan.ts';
import type { CertSpec } from './specs.ts';
import { deriveP256Key } from './derive-key.ts';
import { crossSignedOf } from './plan-ca-rotation.ts';
import { issueCertificate, issuerFromCaKey } from './x509.ts';
import type { Issuer } from './x509.ts';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readExisting(tlsDir: string, specs: readonly CertSpec[]): Promise<Map<string, ExistingCert>> {
  const out = new Map<string, ExistingCert>();
  const certs = new Map<string, X509Certificate>();
  for (const spec of specs) {
    const certPem = await readOptional(join(tlsDir, `${spec.file}.crt`));
    const keyPem = await readOptional(join(tlsDir, `${spec.file}.key`));
    if (!certPem || !keyPem) continue;
    const cert = new X509Certificate(certPem);
    certs.set(spec.id, cert);
    const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
    out.set(spec.id, {
      notAfter: new Date(cert.validTo),
      fingerprint: cert.fingerprint256,
      dnsNames: sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
      ipAddresses: sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11).toLowerCase()),
      keyMatches: cert.checkPrivateKey(createPrivateKey(keyPem)),
    });
  }
  // A leaf's issuer is whichever CA certificate actually signed it.
  for (const spec of specs) {
    const cert = certs.get(spec.id);
    const cur = out.get(spec.id);
    if (spec.kind !== 'leaf' || !cert || !cur) continue;
    const signer = certs.get(spec.signer);
    if (signer && cert.checkIssued(signer) && cert.verify(signer.publicKey)) out.set(spec.id, { ...cur, issuerFingerprint: signer.fingerprint256 });
  }
  return out;
}

export interface PkiResult {
  readonly actions: readonly PkiAction[];
}

/** Normalise IPv6 SANs the way Node prints them, so planned and read names compare equal. */
function normalised(specs: readonly CertSpec[]): CertSpec[] {
  return specs.map((s) => (s.kind === 'leaf' ? { ...s, ipAddresses: s.ipAddresses.map((ip) => (ip.includes(':') ? expandV6(ip) : ip)) } : s));
}

/** Node prints IPv6 SANs as eight unabbreviated hex groups. */
function expandV6(ip: string): string {
  return ipv6Groups(ip)
    .map((g) => g.toString(16))
    .join(':');
}

export async function applyPki(tlsDir: string, specs: readonly CertSpec[], now: Date): Promise<PkiResult> {
  const existing = await readExisting(tlsDir, specs);
  const actions = planPki(normalised(specs), existing, now);
  const issuers = new Map<string, Issuer>();
  const byId = new Map(specs.map((s) => [s.id, s]));
  for (const action of actions) {
    const spec = byId.get(action.id);
    if (!spec) continue;
    const certPath = join(tlsDir, `${spec.file}.crt`);
    const keyPath = join(tlsDir, `${spec.file}.key`);
    if (action.action === 'keep' || (action.action === 'renew' && spec.kind === 'ca')) {
      if (spec.kind === 'ca') issuers.set(spec.id, issuerFromCaKey(spec, await readFile(keyPath, 'utf8'), await readFile(certPath, 'utf8')));
      continue;
    }
    const issuer = spec.kind === 'leaf' ? issuers.get(spec.signer) : undefined;
    if (spec.kind === 'leaf' && !issuer) throw new Error(`PKI plan bug: ${spec.id} before its CA ${spec.signer}`);
    // Renewal keeps the key (pinned elsewhere, e.g. by kubelets); create/reissue makes a new one,
    // except for a CA every server must make alike (derived from a CA they share).
    const from = spec.kind === 'ca' && spec.deriveKeyFrom ? issuers.get(spec.deriveKeyFrom) : undefined;
    if (spec.kind === 'ca' && spec.deriveKeyFrom && !from) throw new Error(`PKI plan bug: ${spec.id} before ${spec.deriveKeyFrom}`);
    const key = action.action === 'renew' ? createPrivateKey(await readFile(keyPath, 'utf8')) : from ? deriveP256Key(from.key, spec.id) : undefined;
    const issued = issueCertificate(spec, { now, ...(issuer ? { issuer } : {}), ...(key ? { key } : {}) });
    await writeFileAtomic(keyPath, issued.keyPem, 0o600);
    // After rotate-ca the CA file is a bundle: the cross-signed copy goes with each leaf, so nodes still trusting the previous CA accept it.
    const chain = spec.kind === 'leaf' ? crossSignedOf(await readFile(join(tlsDir, `${byId.get(spec.signer)?.file ?? spec.signer}.crt`), 'utf8')) : [];
    await writeFileAtomic(certPath, [issued.certPem, ...chain].join(''), 0o644);
    if (spec.kind === 'ca') issuers.set(spec.id, issued.asIssuer);
  }
  return { actions };
}

/**
 * `<ca>.nochain.crt`: the CA's own certificate alone, for readers that take
 * exactly one (kube-controller-manager's CSR signer). After rotate-ca the
 * `.crt` is a bundle (new CA, cross-signed copy, the previous CA); its first
 * certificate is the one that signs.
 */
export async function writeUnchainedCas(tlsDir: string, cas: readonly string[] = ['client-ca', 'server-ca']): Promise<void> {
  for (const ca of cas) {
    const bundle = await readFile(join(tlsDir, `${ca}.crt`), 'utf8');
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(bundle)?.[0];
    if (!first) throw new Error(`${ca}.crt holds no certificate`);
    await writeFileAtomic(join(tlsDir, `${ca}.nochain.crt`), first.endsWith('\n') ? first : `${first}\n`, 0o644);
  }
}

/** The service-account signing key (service.key and service.current.key, as RKE2 names them). */
export async function ensureServiceAccountKey(tlsDir: string): Promise<void> {
  const path = join(tlsDir, 'service.key');
  if ((await readOptional(path)) === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    // SEC1 ("EC PRIVATE KEY"): the format kube-apiserver reads public keys from.
    await writeFileAtomic(path, privateKey.export({ type: 'sec1', format: 'pem' }).toString(), 0o600);
  }
  const current = join(tlsDir, 'service.current.key');
  if ((await readOptional(current)) === undefined) await writeFileAtomic(current, (await readFile(path, 'utf8')), 0o600);
}

