import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { chainsTo, crossSignedOf, planCaRotation } from './plan-ca-rotation.ts';
import { issueCertificate } from './x509.ts';
import type { CaSpec, LeafSpec } from './specs.ts';

const now = new Date('2027-03-01T00:00:00Z');
const spec = (cn: string): CaSpec => ({ kind: 'ca', id: 'server-ca', file: 'server-ca', commonName: cn, validityDays: 3650 });
const current = issueCertificate(spec('rfo-server-ca'), { now: new Date('2026-01-01T00:00:00Z') });
const newKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const fresh = issueCertificate(spec('rfo-server-ca-2027'), { now, key: newKey });
/** The new CA's subject and key, signed by the current CA. */
const cross = issueCertificate(spec('rfo-server-ca-2027'), { now, key: newKey, issuer: current.asIssuer });
const stranger = issueCertificate(spec('someone-else'), { now });
const crossByStranger = issueCertificate(spec('rfo-server-ca-2027'), { now, key: newKey, issuer: stranger.asIssuer });
const sec1 = (k: typeof newKey) => k.export({ type: 'sec1', format: 'pem' }).toString();
const serviceOld = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const serviceNew = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const currentFiles = { 'server-ca.crt': current.certPem, 'server-ca.key': current.keyPem, 'service.key': sec1(serviceOld), 'service.current.key': sec1(serviceOld) };

const plan = (staged: Record<string, string>, force = false) => planCaRotation({ current: currentFiles, staged, force, now });
const problems = (staged: Record<string, string>, force = false) => {
  const p = plan(staged, force);
  return p.ok ? [] : p.problems;
};

test('a cross-signed bundle with its key is accepted; the current CA stays trusted in the written bundle', () => {
  const p = plan({ 'server-ca.crt': fresh.certPem + cross.certPem, 'server-ca.key': fresh.keyPem });
  assert.ok(p.ok, p.ok ? '' : p.problems.join('; '));
  if (!p.ok) return;
  assert.deepEqual(p.changed, ['server-ca.crt', 'server-ca.key']);
  assert.equal(p.serverCaChanged, true);
  const crt = p.writes.find((w) => w.file === 'server-ca.crt');
  const certs = [...(crt?.content ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]));
  assert.deepEqual(certs.map((c) => c.subject), ['CN=rfo-server-ca-2027', 'CN=rfo-server-ca-2027', 'CN=rfo-server-ca']);
  assert.equal(p.writes.find((w) => w.file === 'server-ca.key')?.mode, 0o600);
});

test('bad material is refused with a reason per file, and nothing is planned', () => {
  assert.match(problems({ 'server-ca.crt': fresh.certPem, 'server-ca.key': fresh.keyPem }).join(), /holds only the new CA: add a copy of it cross-signed/);
  assert.match(problems({ 'server-ca.crt': fresh.certPem + crossByStranger.certPem, 'server-ca.key': fresh.keyPem }).join(), /does not chain to the current server-ca/);
  assert.match(problems({ 'server-ca.crt': fresh.certPem + cross.certPem, 'server-ca.key': stranger.keyPem }).join(), /the key does not match the certificate/);
  // A new certificate without its key: the current key does not match it.
  assert.match(problems({ 'server-ca.crt': fresh.certPem + cross.certPem }).join(), /the key does not match/);
  assert.match(problems({ 'server-ca.pem': fresh.certPem }).join(), /unknown file\(s\) server-ca\.pem/);
  assert.match(problems({}).join(), /no CA files given/);
  assert.match(problems({ 'server-ca.crt': 'not pem' }).join(), /server-ca\.crt: no certificate/);
  const leaf: LeafSpec = { kind: 'leaf', id: 'x', file: 'x', signer: 'server-ca', commonName: 'x', usages: ['serverAuth'], dnsNames: [], ipAddresses: [], validityDays: 10 };
  const notCa = issueCertificate(leaf, { now, issuer: current.asIssuer, key: newKey });
  assert.match(problems({ 'server-ca.crt': notCa.certPem + cross.certPem, 'server-ca.key': fresh.keyPem }).join(), /is not a CA/);
});

test('--force skips the chain and key checks (a clean break: the current CA is not kept), not the parsing', () => {
  const p = plan({ 'server-ca.crt': stranger.certPem, 'server-ca.key': stranger.keyPem }, true);
  assert.ok(p.ok);
  if (p.ok) assert.equal(p.writes.find((w) => w.file === 'server-ca.crt')?.content, stranger.certPem);
  assert.ok(problems({ 'server-ca.crt': 'garbage' }, true).length > 0);
});

test('service.key must keep the current key; its first key becomes the signing key', () => {
  assert.match(problems({ 'service.key': sec1(serviceNew) }).join(), /does not contain the current service-account key/);
  const p = plan({ 'service.key': sec1(serviceNew) + sec1(serviceOld) });
  assert.ok(p.ok);
  if (!p.ok) return;
  assert.equal(p.writes.find((w) => w.file === 'service.current.key')?.content, sec1(serviceNew));
  assert.match(problems({ 'service.key': serviceNew.export({ type: 'pkcs8', format: 'pem' }).toString() + sec1(serviceOld) }).join(), /not PKCS#8/);
});

test('chains and cross-signed copies', () => {
  const c = (pem: string) => new X509Certificate(pem);
  assert.ok(chainsTo(c(fresh.certPem), [c(cross.certPem)], [c(current.certPem)]));
  assert.ok(!chainsTo(c(fresh.certPem), [c(crossByStranger.certPem)], [c(current.certPem)]));
  assert.ok(!chainsTo(c(fresh.certPem), [], [c(current.certPem)]));
  assert.deepEqual(crossSignedOf(fresh.certPem + cross.certPem + current.certPem).map((p) => c(p).fingerprint256), [c(cross.certPem).fingerprint256]);
  assert.deepEqual(crossSignedOf(current.certPem), []);
});
