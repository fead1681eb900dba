// X.509 certificates from a CertSpec, signed with ECDSA P-256 / SHA-256
// (what K3s and RKE2 issue). Encoding is our own DER (der.ts); keys and
// signatures come from node:crypto. Node's X509Certificate parses the result,
// which the tests use to check every field.

import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, boolean, explicit, implicit, integer, ipBytes, octetString, oid, sequence, set, time, unsignedInteger, utf8String } from './der.ts';
import type { CaSpec, CertSpec } from './specs.ts';
import { readCertIdentity } from './der-read.ts';

const oids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

export interface Issuer {
  /** DER of the issuer's subject Name. */
  readonly name: Buffer;
  readonly key: KeyObject;
  readonly subjectKeyId: Buffer;
}

export interface IssuedCert {
  readonly certPem: string;
  readonly keyPem: string;
  /** Lets this certificate sign others (CAs). */
  readonly asIssuer: Issuer;
}

function name(commonName: string, organization: readonly string[] = []): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(...organization.map((o) => rdn(oids.organization, o)), rdn(oids.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** keyUsage bits: digitalSignature(0), keyEncipherment(2), keyCertSign(5), cRLSign(6). */
function keyUsage(isCa: boolean): Buffer {
  const bits = isCa ? 0b10000110 : 0b10100000; // CA: digitalSignature|keyCertSign|cRLSign; leaf: digitalSignature|keyEncipherment
  return bitString(Buffer.from([bits]), isCa ? 1 : 5);
}

export interface IssueOptions {
  readonly now: Date;
  /** The signer; absent for a self-signed CA. */
  readonly issuer?: Issuer;
  /** Reuse an existing key (renewal keeps keys); a new P-256 key otherwise. */
  readonly key?: KeyObject;
}

export function issueCertificate(spec: CertSpec, options: IssueOptions): IssuedCert {
  const key = options.key ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const subjectKeyId = createHash('sha1').update(spki).digest();
  const subject = spec.kind === 'ca' ? name(spec.commonName) : name(spec.commonName, spec.organization);
  const isCa = spec.kind === 'ca';
  const issuer = options.issuer ?? { name: subject, key, subjectKeyId };
  // Back-date by an hour so nodes with slightly slow clocks accept fresh certificates.
  const notBefore = new Date(options.now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(options.now.getTime() + spec.validityDays * 24 * 60 * 60 * 1000);
  const extensions = [
    extension(oids.basicConstraints, true, sequence(...(isCa ? [boolean(true)] : []))),
    extension(oids.keyUsage, true, keyUsage(isCa)),
    extension(oids.subjectKeyIdentifier, false, octetString(subjectKeyId)),
    ...(options.issuer ? [extension(oids.authorityKeyIdentifier, false, sequence(implicit(0, issuer.subjectKeyId)))] : []),
  ];
  if (spec.kind === 'leaf') {
    extensions.push(extension(oids.extKeyUsage, false, sequence(...spec.usages.map((u) => oid(oids[u])))));
    const names = [...spec.dnsNames.map((d) => implicit(2, Buffer.from(d, 'ascii'))), ...spec.ipAddresses.map((ip) => implicit(7, ipBytes(ip)))];
    if (names.length > 0) extensions.push(extension(oids.subjectAltName, false, sequence(...names)));
  }
  const algorithm = sequence(oid(oids.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, integer(2)),
    unsignedInteger(randomBytes(16)),
    algorithm,
    issuer.name,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  const der = sequence(tbs, algorithm, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem, keyPem, asIssuer: { name: subject, key, subjectKeyId } };
}

/**
 * Rebuild the Issuer of a CA kept on disk from its key and certificate. The
 * subject and key identifier come from the certificate itself (its first one,
 * if a bundle), so leaves chain to a CA rfo did not make too (rotate-ca, a
 * custom CA); without a certificate they are derived as rfo issues them.
 */
export function issuerFromCaKey(spec: CaSpec, keyPem: string, certPem?: string): Issuer {
  const key = createPrivateKey(keyPem);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const derived = { name: name(spec.commonName), key, subjectKeyId: createHash('sha1').update(spki).digest() };
  if (!certPem) return derived;
  const cert = new X509Certificate(certPem);
  const id = readCertIdentity(cert.raw);
  return { name: id.subject, key, subjectKeyId: id.subjectKeyId ?? derived.subjectKeyId };
}
