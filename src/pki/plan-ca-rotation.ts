// Pure: RKE2's `certificate rotate-ca` checks and the files a server writes.
// New CA material arrives with the server/tls names; anything not supplied
// keeps its current value. A new CA certificate file is a bundle: the new CA
// first, then what chains it to the current CA (a copy of the new CA
// cross-signed by the current one), so nodes that still trust only the
// current CA accept what the new one signs. Each CA key must match its
// certificate, and a new service.key must still hold the current key (or
// every service-account token in the cluster stops verifying). --force
// skips these checks (not the parsing): a clean break, every node re-joins.

import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** The CAs rotate-ca replaces (kubelet-ca is derived from server-ca's key by every server, see specs.ts). */
export const rotatableCas = ['server-ca', 'client-ca', 'request-header-ca', 'etcd/server-ca', 'etcd/peer-ca'] as const;

/** Every file name rotate-ca accepts, relative to the tls dir. */
export const caRotationFiles: readonly string[] = [...rotatableCas.flatMap((c) => [`${c}.crt`, `${c}.key`]), 'service.key'];

export interface CaRotationInput {
  /** Current files of the tls dir, by name (caRotationFiles plus service.current.key). */
  readonly current: Readonly<Record<string, string>>;
  /** What the operator staged, by name; other names are refused. */
  readonly staged: Readonly<Record<string, string>>;
  readonly force: boolean;
  readonly now: Date;
}

export interface CaFileWrite {
  readonly file: string;
  readonly content: string;
  readonly mode: number;
}

export type CaRotationPlan =
  | { readonly ok: true; readonly writes: readonly CaFileWrite[]; readonly changed: readonly string[]; readonly serverCaChanged: boolean }
  | { readonly ok: false; readonly problems: readonly string[] };

const pemBlocks = (text: string, label: string) => [...text.matchAll(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g'))].map((m) => m[0]);

function parseCerts(text: string): X509Certificate[] {
  return pemBlocks(text, 'CERTIFICATE').map((p) => new X509Certificate(p));
}

/** Every private key in a PEM text (service.key may hold several), with its PEM block. */
function parsePemKeys(text: string): { pem: string; label: string; key: KeyObject }[] {
  return [...text.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]+?-----END \1-----/g)].map((m) => ({ pem: `${m[0]}\n`, label: m[1] ?? '', key: createPrivateKey(m[0]) }));
}

const parseKeys = (text: string): KeyObject[] => parsePemKeys(text).map((k) => k.key);

/**
 * The certificates of a CA bundle that carry its first certificate's key but
 * another issuer: the cross-signed copies. A leaf file gets them appended, so
 * a node that still trusts only the previous CA can build the chain.
 */
export function crossSignedOf(bundlePem: string): string[] {
  const [first, ...rest] = parseCerts(bundlePem);
  if (!first) return [];
  const key = first.publicKey.export({ type: 'spki', format: 'der' });
  return rest.filter((c) => c.issuer !== c.subject && c.publicKey.export({ type: 'spki', format: 'der' }).equals(key)).map((c) => c.toString());
}

const publicDer = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' });

/**
 * Whether `cert` chains to one of `anchors` through `intermediates`: each
 * step's issuer names it (checkIssued: subject/issuer and key ids) and its
 * signature verifies with that issuer's key. Depth-limited, cycle-safe.
 */
export function chainsTo(cert: X509Certificate, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[], depth = 5): boolean {
  const seen = new Set<string>([cert.fingerprint256]);
  const walk = (c: X509Certificate, left: number): boolean => {
    if (anchors.some((a) => a.fingerprint256 !== c.fingerprint256 && c.checkIssued(a) && c.verify(a.publicKey))) return true;
    if (left === 0) return false;
    for (const next of intermediates) {
      if (seen.has(next.fingerprint256) || !next.ca || !c.checkIssued(next) || !c.verify(next.publicKey)) continue;
      seen.add(next.fingerprint256);
      if (walk(next, left - 1)) return true;
    }
    return false;
  };
  return walk(cert, depth);
}

export function planCaRotation(input: CaRotationInput): CaRotationPlan {
  const problems: string[] = [];
  const unknown = Object.keys(input.staged).filter((f) => !caRotationFiles.includes(f));
  if (unknown.length > 0) problems.push(`unknown file(s) ${unknown.join(', ')}: rotate-ca takes ${caRotationFiles.join(', ')}`);
  if (Object.keys(input.staged).length === 0) problems.push(`no CA files given: rotate-ca takes ${caRotationFiles.join(', ')}`);
  const writes: CaFileWrite[] = [];
  const changed: string[] = [];
  let serverCaChanged = false;

  for (const ca of rotatableCas) {
    const newCrt = input.staged[`${ca}.crt`];
    const newKey = input.staged[`${ca}.key`];
    if (newCrt === undefined && newKey === undefined) continue;
    const curCerts = parseCerts(input.current[`${ca}.crt`] ?? '');
    let certs: X509Certificate[];
    let keys: KeyObject[];
    try {
      certs = newCrt !== undefined ? parseCerts(newCrt) : curCerts;
      keys = parseKeys(newKey ?? input.current[`${ca}.key`] ?? '');
    } catch (err) {
      problems.push(`${ca}: not valid PEM (${(err as Error).message})`);
      continue;
    }
    const [first] = certs;
    if (!first) {
      problems.push(`${ca}.crt: no certificate in it`);
      continue;
    }
    if (keys.length !== 1 || !keys[0]) {
      problems.push(`${ca}.key: expected one private key, found ${keys.length}`);
      continue;
    }
    const sameCert = curCerts[0]?.fingerprint256 === first.fingerprint256;
    if (!input.force) {
      if (!first.checkPrivateKey(keys[0])) problems.push(`${ca}: the key does not match the certificate (the first one of ${ca}.crt)`);
      if (!first.ca) problems.push(`${ca}.crt: its first certificate is not a CA (basicConstraints CA:TRUE)`);
      if (new Date(first.validTo) <= input.now || new Date(first.validFrom) > input.now) problems.push(`${ca}.crt: its first certificate is not valid now (${first.validFrom} – ${first.validTo})`);
      if (!sameCert && newCrt !== undefined) {
        if (certs.length < 2) {
          problems.push(`${ca}.crt holds only the new CA: add a copy of it cross-signed by the current ${ca} (nodes not yet restarted trust only the current one)`);
        } else if (!chainsTo(first, certs.slice(1), curCerts)) {
          problems.push(`${ca}.crt does not chain to the current ${ca}: none of its certificates is signed by it`);
        }
      }
    }
    if (newCrt !== undefined && !sameCert) {
      // Keep trusting what the current CA signed until every node has its new leaves; --force is the clean break.
      const kept = input.force ? [] : curCerts.filter((c) => !certs.some((n) => n.fingerprint256 === c.fingerprint256)).map((c) => c.toString());
      writes.push({ file: `${ca}.crt`, content: [newCrt.trimEnd(), ...kept.map((k) => k.trimEnd())].join('\n') + '\n', mode: 0o644 });
      changed.push(`${ca}.crt`);
      if (ca === 'server-ca') serverCaChanged = true;
    }
    if (newKey !== undefined && newKey !== input.current[`${ca}.key`]) {
      writes.push({ file: `${ca}.key`, content: newKey, mode: 0o600 });
      changed.push(`${ca}.key`);
    }
  }

  const newService = input.staged['service.key'];
  if (newService !== undefined) {
    let keys: ReturnType<typeof parsePemKeys> = [];
    try {
      keys = parsePemKeys(newService);
    } catch (err) {
      problems.push(`service.key: not valid PEM (${(err as Error).message})`);
    }
    const [signing] = keys;
    if (!signing) problems.push('service.key: no private key in it');
    else {
      // kube-apiserver reads public keys from "EC/RSA PRIVATE KEY" blocks, not PKCS#8 ones.
      if (keys.some((k) => k.label === 'PRIVATE KEY')) problems.push('service.key: use EC PRIVATE KEY or RSA PRIVATE KEY blocks (openssl ec / openssl rsa -traditional), not PKCS#8 "PRIVATE KEY"');
      const current = parseKeys(input.current['service.current.key'] ?? input.current['service.key'] ?? '')[0];
      if (!input.force && current && !keys.some((k) => publicDer(k.key).equals(publicDer(current)))) {
        problems.push('service.key does not contain the current service-account key: existing service-account tokens would stop verifying (append the current key after the new one)');
      }
      if (newService !== input.current['service.key']) {
        writes.push({ file: 'service.key', content: newService, mode: 0o600 });
        // The first key signs new tokens; service.key (all of them) verifies old and new.
        writes.push({ file: 'service.current.key', content: signing.pem, mode: 0o600 });
        changed.push('service.key');
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, writes, changed, serverCaChanged };
}
