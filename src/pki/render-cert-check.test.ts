import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certStatus, collectCertRows, daysLeft, renderCheckJson, renderCheckTable } from './render-cert-check.ts';
import { issueCertificate } from './x509.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import type { CaSpec, LeafSpec } from './specs.ts';

const day = 24 * 60 * 60 * 1000;
const now = new Date('2027-01-01T00:00:00Z');
const caSpec: CaSpec = { kind: 'ca', id: 'client-ca', file: 'client-ca', commonName: 'rfo-client-ca', validityDays: 3650 };
const leaf = (id: string, commonName: string, validityDays: number): LeafSpec => ({ kind: 'leaf', id, file: id, signer: 'client-ca', commonName, organization: ['system:masters'], usages: ['clientAuth'], dnsNames: [], ipAddresses: [], validityDays });
const ca = issueCertificate(caSpec, { now: new Date(now.getTime() - 100 * day) });
const issue = (spec: LeafSpec, at: Date) => issueCertificate(spec, { now: at, issuer: ca.asIssuer });

test('status: ok, expiring under 90 days (renewed at the next start), expired', () => {
  assert.equal(certStatus(new Date(now.getTime() + 200 * day), now), 'ok');
  assert.equal(certStatus(new Date(now.getTime() + 89 * day), now), 'expiring');
  assert.equal(certStatus(new Date(now.getTime() - 1000), now), 'expired');
  assert.equal(daysLeft(new Date(now.getTime() - 1.5 * day), now), -2);
});

test('rows come from the files, CAs included, with subject, issuer, usages and expiry', () => {
  const admin = issue(leaf('admin', 'system:admin', 365), now);
  const files = new Map([
    ['server/tls/client-ca.crt', ca.certPem],
    ['server/tls/client-admin.crt', admin.certPem],
  ]);
  const rows = collectCertRows('server', files);
  assert.deepEqual(rows.map((r) => [r.file, r.kind, r.service]), [
    ['server/tls/client-ca.crt', 'ca', undefined],
    ['server/tls/client-admin.crt', 'leaf', 'admin'],
  ]);
  const a = rows[1]!;
  assert.equal(a.subject, 'O=system:masters, CN=system:admin');
  assert.equal(a.issuer, 'CN=rfo-client-ca');
  assert.deepEqual(a.usages, ['ClientAuth']);
  assert.deepEqual(rows[0]!.usages, ['CertSign']);
  // --service admin: only admin's leaf, no CA.
  assert.deepEqual(collectCertRows('server', files, ['admin']).map((r) => r.file), ['server/tls/client-admin.crt']);
  assert.deepEqual(collectCertRows('server', files, ['kubelet']), []);
});

test('a kubeconfig certificate that is in no file is listed as embedded; one that is, is not', () => {
  const admin = issue(leaf('admin', 'system:admin', 365), now);
  const stale = issue(leaf('kubelet', 'system:node:n1', 365), new Date(now.getTime() - 400 * day));
  const kc = (certPem: string) => renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: ca.certPem, certPem, keyPem: admin.keyPem });
  const files = new Map([
    ['server/tls/client-admin.crt', admin.certPem],
    ['server/cred/admin.kubeconfig', kc(admin.certPem)],
    ['agent/kubelet.kubeconfig', kc(stale.certPem)],
  ]);
  const rows = collectCertRows('server', files);
  assert.deepEqual(rows.map((r) => [r.file, r.embedded ?? false, r.service]), [
    ['server/tls/client-admin.crt', false, 'admin'],
    ['agent/kubelet.kubeconfig', true, 'kubelet'],
  ]);
  const table = renderCheckTable(rows, now);
  assert.match(table, /^FILENAME +SUBJECT +USAGES +EXPIRES +RESIDUAL-TIME +STATUS\n/);
  assert.match(table, /agent\/kubelet\.kubeconfig \(embedded\) +system:node:n1 +ClientAuth +Nov 27, 2026 00:00 UTC +expired 35 days ago +expired\n/);
  assert.match(table, /server\/tls\/client-admin\.crt +system:admin +ClientAuth +Jan 01, 2028 00:00 UTC +365 days +ok\n/);
});

test('a bundle gives one row per certificate; json carries issuer, days left, status, components', () => {
  const other = issueCertificate({ ...caSpec, commonName: 'rfo-client-ca-2' }, { now });
  const rows = collectCertRows('agent', new Map([['agent/client-ca.crt', other.certPem + ca.certPem]]));
  assert.deepEqual(rows.map((r) => r.subject), ['CN=rfo-client-ca-2', 'CN=rfo-client-ca']);
  const json = JSON.parse(renderCheckJson(rows, now)) as { file: string; daysLeft: number; status: string; issuer: string; components: string[]; service: null }[];
  assert.equal(json[0]?.daysLeft, 3650);
  assert.equal(json[0]?.status, 'ok');
  assert.equal(json[1]?.issuer, 'CN=rfo-client-ca');
  assert.equal(json[1]?.service, null);
  assert.ok((json[0]?.components.length ?? 0) > 0);
});
