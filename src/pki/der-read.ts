// Pure: just enough DER reading to sign under a CA certificate that rfo did
// not make (a CA from rotate-ca or a custom CA): its subject Name, byte for
// byte, and its subject key identifier. Node's X509Certificate exposes
// neither in raw form, and a leaf's issuer must equal the CA's subject exactly.

interface Tlv {
  readonly tag: number;
  /** Offset of the first content byte. */
  readonly start: number;
  /** Offset after the last content byte. */
  readonly end: number;
  /** Offset of the tag byte. */
  readonly from: number;
}

function readTlv(buf: Buffer, at: number): Tlv {
  const tag = buf[at];
  let len = buf[at + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated DER');
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] ?? 0);
    start += n;
  }
  if (start + len > buf.length) throw new Error('truncated DER');
  return { tag, start, end: start + len, from: at };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(buf, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

const skiOid = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]);

/** The raw subject Name and the subject key identifier (if the certificate has one) of a DER certificate. */
export function readCertIdentity(der: Buffer): { subject: Buffer; subjectKeyId?: Buffer } {
  const tbs = children(der, readTlv(der, 0))[0];
  if (!tbs) throw new Error('not a certificate');
  const fields = children(der, tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional (v1)
  const subjectTlv = fields[offset + 4];
  if (!subjectTlv) throw new Error('certificate without a subject');
  const subject = der.subarray(subjectTlv.from, subjectTlv.end);
  const extsWrapper = fields.find((f) => f.tag === 0xa3);
  if (!extsWrapper) return { subject };
  const exts = children(der, extsWrapper)[0];
  for (const ext of exts ? children(der, exts) : []) {
    const parts = children(der, ext);
    const id = parts[0];
    if (!id || !der.subarray(id.from, id.end).equals(skiOid)) continue;
    const value = parts[parts.length - 1];
    if (!value) continue;
    const inner = readTlv(der, value.start);
    return { subject, subjectKeyId: der.subarray(inner.start, inner.end) };
  }
  return { subject };
}
