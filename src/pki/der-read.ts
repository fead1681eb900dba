// Pure: just enough DER reading for what Node's crypto does not expose —
// a CA certificate's raw subject Name and subject key identifier (to sign
// under a CA rfo did not make: a leaf's issuer must equal the CA's subject
// byte for byte) and the fields of a PKCS#10 request (parse-csr.ts). One
// reader for both: definite lengths up to 4 bytes, low tag numbers only
// (neither X.509 nor PKCS#10 uses others), bounds checked.

export interface DerTlv {
  readonly tag: number;
  readonly content: Buffer;
  /** The whole encoding: tag, length and content. */
  readonly raw: Buffer;
}

/** Malformed input (callers turn it into their own error). */
export class DerError extends Error {}

export function readDer(buf: Buffer, offset: number): { tlv: DerTlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError('truncated');
  const tag = buf[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here');
  let length = buf[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new DerError('bad length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (buf[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > buf.length) throw new DerError('truncated');
  return { tlv: { tag, content: buf.subarray(start, end), raw: buf.subarray(offset, end) }, next: end };
}

export function derChildren(t: DerTlv): DerTlv[] {
  const out: DerTlv[] = [];
  for (let at = 0; at < t.content.length; ) {
    const { tlv, next } = readDer(t.content, at);
    out.push(tlv);
    at = next;
  }
  return out;
}

const skiOid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]);

/** The raw subject Name and the subject key identifier (if the certificate has one) of a DER certificate. */
export function readCertIdentity(der: Buffer): { subject: Buffer; subjectKeyId?: Buffer } {
  const tbs = derChildren(readDer(der, 0).tlv)[0];
  if (!tbs) throw new Error('not a certificate');
  const fields = derChildren(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
  const subjectTlv = fields[offset + 4];
  if (!subjectTlv) throw new Error('certificate without a subject');
  const subject = subjectTlv.raw;
  const extsWrapper = fields.find((f) => f.tag === 0xa3);
  if (!extsWrapper) return { subject };
  const exts = derChildren(extsWrapper)[0];
  for (const ext of exts ? derChildren(exts) : []) {
    const parts = derChildren(ext);
    const id = parts[0];
    if (!id?.raw.equals(skiOid)) continue;
    const value = parts[parts.length - 1];
    if (!value) continue;
    return { subject, subjectKeyId: readDer(value.content, 0).tlv.content };
  }
  return { subject };
}
