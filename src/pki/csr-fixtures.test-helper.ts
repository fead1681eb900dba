// Test-only: PKCS#10 requests as a kubelet (or an attacker) would send them,
// built with rfo's DER writer and signed with a fresh P-256 key.

import { generateKeyPairSync, sign } from 'node:crypto';
import { bitString, explicit, implicit, integer, ipBytes, octetString, oid, sequence, set, utf8String } from './der.ts';

export interface CsrFixture {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly emailAddresses?: readonly string[];
  readonly uris?: readonly string[];
  readonly withExtensions?: boolean;
}

export function csrPem(f: CsrFixture): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  const name = sequence(...(f.organizations ?? ['system:nodes']).map((o) => rdn('2.5.4.10', o)), rdn('2.5.4.3', f.commonName));
  const names = [
    ...(f.dnsNames ?? []).map((d) => implicit(2, Buffer.from(d))),
    ...(f.ipAddresses ?? []).map((ip) => implicit(7, ipBytes(ip))),
    ...(f.emailAddresses ?? []).map((e) => implicit(1, Buffer.from(e))),
    ...(f.uris ?? []).map((u) => implicit(6, Buffer.from(u))),
  ];
  const extensions = sequence(sequence(oid('2.5.29.17'), octetString(sequence(...names))));
  const attributes = f.withExtensions === false ? explicit(0) : explicit(0, sequence(oid('1.2.840.113549.1.9.14'), set(extensions)));
  const info = sequence(integer(0), name, publicKey.export({ type: 'spki', format: 'der' }), attributes);
  const der = sequence(info, sequence(oid('1.2.840.10045.4.3.2')), bitString(sign('sha256', info, privateKey)));
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE REQUEST-----\n`;
}
