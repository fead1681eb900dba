// Pure: `rfo certificate check` output. Rows are built from certificates
// already read (PEM text per file), so the table and the JSON are tested
// without a node. A file holding a bundle (a CA after rotate-ca) gives one
// row per certificate, as RKE2 lists leaf and CA certificates of a file.

import { X509Certificate } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { renewBeforeDays } from './specs.ts';
import { managedKubeconfigs, planInventory } from './plan-inventory.ts';
import type { CertService, ManagedCert, NodeRole } from './plan-inventory.ts';

export type CertStatus = 'ok' | 'expiring' | 'expired';

export interface CertRow {
  /** Relative to the data dir (or absolute, for the admin kubeconfig written elsewhere). */
  readonly file: string;
  readonly service?: CertService;
  readonly kind: 'ca' | 'leaf';
  readonly subject: string;
  readonly issuer: string;
  readonly usages: readonly string[];
  readonly notAfter: Date;
  readonly components: readonly string[];
  /** A certificate embedded in a kubeconfig that is not on disk as a file of its own. */
  readonly embedded?: true;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Every certificate in a PEM text, in order. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
}

/** The client certificates (PEM) a kubeconfig embeds; none for an unreadable one. */
export function parseKubeconfigCerts(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  const users = (doc as { users?: { user?: Record<string, unknown> }[] } | null)?.users ?? [];
  return users.map((u) => u.user?.['client-certificate-data']).filter((d): d is string => typeof d === 'string').map((d) => Buffer.from(d, 'base64').toString('utf8'));
}

const ekuNames: Readonly<Record<string, string>> = { '1.3.6.1.5.5.7.3.1': 'ServerAuth', '1.3.6.1.5.5.7.3.2': 'ClientAuth' };

/** Node prints a name as "O=a\nCN=b"; one line reads better. */
const oneLine = (name: string) => name.split('\n').join(', ');

export function describeCert(cert: X509Certificate, file: string, managed: Pick<ManagedCert, 'kind' | 'service' | 'components'>, embedded = false): CertRow {
  const usages = [...(cert.ca ? ['CertSign'] : []), ...(cert.keyUsage ?? []).map((oid) => ekuNames[oid] ?? oid)];
  return {
    file,
    ...(managed.service ? { service: managed.service } : {}),
    kind: cert.ca ? 'ca' : managed.kind,
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    usages,
    notAfter: new Date(cert.validTo),
    components: managed.components,
    ...(embedded ? { embedded: true as const } : {}),
  };
}

/**
 * The rows of `check` from the files as read (relative path → content; a
 * missing file is simply absent): every certificate of the inventory, then
 * the kubeconfig certificates that are in no file (a kubeconfig not yet
 * rewritten after a rotation shows up here). With services, only theirs (no CAs).
 */
export function collectCertRows(role: NodeRole, files: ReadonlyMap<string, string>, services?: readonly CertService[]): CertRow[] {
  const wanted = (s: CertService | undefined) => !services || (s !== undefined && services.includes(s));
  const rows: CertRow[] = [];
  const onDisk = new Set<string>();
  for (const managed of planInventory(role)) {
    const pem = files.get(managed.certFile);
    if (pem === undefined) continue;
    for (const cert of parsePemCertificates(pem)) {
      onDisk.add(cert.fingerprint256);
      if (wanted(managed.service)) rows.push(describeCert(cert, managed.certFile, managed));
    }
  }
  for (const kc of managedKubeconfigs[role]) {
    const text = files.get(kc.file);
    if (text === undefined || !wanted(kc.service)) continue;
    for (const pem of parseKubeconfigCerts(text)) {
      const [cert] = parsePemCertificates(pem);
      if (cert && !onDisk.has(cert.fingerprint256)) rows.push(describeCert(cert, kc.file, { kind: 'leaf', service: kc.service, components: kc.components }, true));
    }
  }
  return rows;
}

/** ok, expiring (renewed at the next start: under renewBeforeDays left) or expired. */
export function certStatus(notAfter: Date, now: Date): CertStatus {
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  return left < renewBeforeDays * dayMs ? 'expiring' : 'ok';
}

/** Whole days left (negative once expired). */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / dayMs);
}

function residual(notAfter: Date, now: Date): string {
  const ms = notAfter.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const text = abs >= 2 * dayMs ? `${Math.floor(abs / dayMs)} days` : `${Math.floor(abs / (60 * 60 * 1000))} hours`;
  return ms < 0 ? `expired ${text} ago` : text;
}

/** "Dec 05, 2027 16:00 UTC", RKE2's EXPIRES format. */
function expires(d: Date): string {
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** CN only in the table, as RKE2; the full subject is in -o json. */
function commonName(subject: string): string {
  return /(?:^|, )CN=([^,]*)/.exec(subject)?.[1] ?? subject;
}

export function renderCheckTable(rows: readonly CertRow[], now: Date): string {
  const header = ['FILENAME', 'SUBJECT', 'USAGES', 'EXPIRES', 'RESIDUAL-TIME', 'STATUS'];
  const body = rows.map((r) => [r.embedded ? `${r.file} (embedded)` : r.file, commonName(r.subject), r.usages.join(',') || '-', expires(r.notAfter), residual(r.notAfter, now), certStatus(r.notAfter, now)]);
  const all = [header, header.map((h) => '-'.repeat(h.length)), ...body];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return `${all.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

export function renderCheckJson(rows: readonly CertRow[], now: Date): string {
  const out = rows.map((r) => ({
    file: r.file,
    service: r.service ?? null,
    kind: r.kind,
    subject: r.subject,
    issuer: r.issuer,
    usages: r.usages,
    notAfter: r.notAfter.toISOString(),
    daysLeft: daysLeft(r.notAfter, now),
    status: certStatus(r.notAfter, now),
    components: r.components,
    ...(r.embedded ? { embedded: true } : {}),
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
