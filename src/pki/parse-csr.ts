// Pure: the fields of a PKCS#10 certificate signing request (PEM) that an
// approver decides on: subject CN and O, the requested DNS names, IPs, e-mail
// addresses and URIs. Node's crypto parses certificates but not requests,
// hence the small DER reader in der-read.ts. The signature is not checked here:
// kube-apiserver refuses a CertificateSigningRequest whose request does not
// verify (CheckSignature at creation), and the approver reads only stored ones.

import { DerError, derChildren, readDer } from './der-read.ts';
import type { DerTlv } from './der-read.ts';

export interface ParsedCsr {
  readonly commonName: string;
  readonly organizations: readonly string[];
  readonly dnsNames: readonly string[];
  /** Dotted quads; IPv6 as eight lower-case hex groups (canonicalIp's form). */
  readonly ipAddresses: readonly string[];
  readonly emailAddresses: readonly string[];
  readonly uris: readonly string[];
  /** GeneralName kinds other than the above (directory names, other names...). */
  readonly otherNames: number;
}

export type CsrParse = { readonly ok: true; readonly csr: ParsedCsr } | { readonly ok: false; readonly error: string };

const oids = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
} as const;

function expect(t: DerTlv | undefined, tag: number, what: string): DerTlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

function decodeOid(b: Buffer): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of b) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(Math.min(2, Math.floor(value / 40)), value - Math.min(2, Math.floor(value / 40)) * 40);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function decodeIp(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':');
  throw new DerError(`an IP address of ${b.length} bytes`);
}

/** String types a Name may use (UTF8String, PrintableString, IA5String, T61String, BMPString). */
function decodeString(t: DerTlv): string {
  if (t.tag === 0x1e) return Buffer.from(t.content).swap16().toString('utf16le');
  if ([0x0c, 0x13, 0x16, 0x14].includes(t.tag)) return t.content.toString(t.tag === 0x0c ? 'utf8' : 'latin1');
  throw new DerError(`a name attribute of tag ${t.tag}`);
}

export function parseCsrPem(pem: string): CsrParse {
  const m = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(pem);
  if (!m?.[1]) return { ok: false, error: 'not a PEM certificate request' };
  try {
    return { ok: true, csr: parseCsrDer(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')) };
  } catch (err) {
    if (err instanceof DerError) return { ok: false, error: `malformed certificate request: ${err.message}` };
    throw err;
  }
}

function parseCsrDer(der: Buffer): ParsedCsr {
  const { tlv: outer, next } = readDer(der, 0);
  if (next !== der.length) throw new DerError('trailing data');
  const [info] = derChildren(expect(outer, 0x30, 'a sequence'));
  const fields = derChildren(expect(info, 0x30, 'the request info'));
  const subject = expect(fields[1], 0x30, 'a subject');
  let commonName = '';
  const organizations: string[] = [];
  for (const rdn of derChildren(subject)) {
    for (const atv of derChildren(expect(rdn, 0x31, 'a relative distinguished name'))) {
      const [type, value] = derChildren(expect(atv, 0x30, 'an attribute'));
      const id = decodeOid(expect(type, 0x06, 'an attribute type').content);
      if (!value) throw new DerError('an attribute without a value');
      if (id === oids.commonName) {
        if (commonName) throw new DerError('two common names');
        commonName = decodeString(value);
      } else if (id === oids.organization) organizations.push(decodeString(value));
    }
  }
  const names = { dnsNames: [] as string[], ipAddresses: [] as string[], emailAddresses: [] as string[], uris: [] as string[], otherNames: 0 };
  const attributes = fields[3];
  if (attributes) {
    for (const attribute of derChildren(expect(attributes, 0xa0, 'attributes'))) {
      const [type, values] = derChildren(expect(attribute, 0x30, 'an attribute'));
      if (decodeOid(expect(type, 0x06, 'an attribute type').content) !== oids.extensionRequest) continue;
      for (const extensions of derChildren(expect(values, 0x31, 'attribute values'))) {
        for (const extension of derChildren(expect(extensions, 0x30, 'extensions'))) {
          const parts = derChildren(expect(extension, 0x30, 'an extension'));
          if (decodeOid(expect(parts[0], 0x06, 'an extension id').content) !== oids.subjectAltName) continue;
          const value = expect(parts.at(-1), 0x04, 'an extension value');
          for (const name of derChildren(expect(readDer(value.content, 0).tlv, 0x30, 'subject alternative names'))) {
            if (name.tag === 0x82) names.dnsNames.push(name.content.toString('latin1'));
            else if (name.tag === 0x87) names.ipAddresses.push(decodeIp(name.content));
            else if (name.tag === 0x81) names.emailAddresses.push(name.content.toString('latin1'));
            else if (name.tag === 0x86) names.uris.push(name.content.toString('latin1'));
            else names.otherNames += 1;
          }
        }
      }
    }
  }
  return { commonName, organizations, ...names };
}
