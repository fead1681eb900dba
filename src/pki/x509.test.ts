import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, issuerFromCaKey } from './x509.ts';
import { planCertSpecs } from './specs.ts';
import type { CaSpec, LeafSpec } from './specs.ts';
import { ipBytes, oid, derLength, integer } from './der.ts';
import { run } from '../util/exec.ts';

const specs = planCertSpecs({ nodeName: 'node1', nodeIps: ['192.168.10.5', 'fd00::5'], tlsSans: ['rfo.example.com'], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
const spec = <T>(id: string) => specs.find((s) => s.id === id) as T;
const now = new Date('2026-11-23T12:00:00Z');

test('DER primitives encode as X.690 says', () => {
  assert.deepEqual(oid('1.2.840.10045.4.3.2'), Buffer.from('06082a8648ce3d040302', 'hex'));
  assert.deepEqual(derLength(0x7f), Buffer.from([0x7f]));
  assert.deepEqual(derLength(0x80), Buffer.from([0x81, 0x80]));
  assert.deepEqual(derLength(0x1234), Buffer.from([0x82, 0x12, 0x34]));
  assert.deepEqual(integer(128), Buffer.from('02020080', 'hex'));
  assert.deepEqual(ipBytes('10.43.0.1'), Buffer.from([10, 43, 0, 1]));
  assert.deepEqual(ipBytes('fd00::5'), Buffer.from('fd000000000000000000000000000005', 'hex'));
});

test('a CA and a serving certificate chain, carry the planned names and validate with Node', () => {
  const ca = issueCertificate(spec<CaSpec>('server-ca'), { now });
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(caCert.ca, true);
  assert.equal(caCert.subject, 'CN=rfo-server-ca');
  assert.ok(caCert.verify(caCert.publicKey), 'self-signed');
  const leafSpec = spec<LeafSpec>('serving-kube-apiserver');
  const leaf = issueCertificate(leafSpec, { now, issuer: ca.asIssuer });
  const cert = new X509Certificate(leaf.certPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.verify(caCert.publicKey), 'signed by the CA');
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.checkPrivateKey(createPrivateKey(leaf.keyPem)));
  assert.equal(cert.issuer, 'CN=rfo-server-ca');
  for (const ip of ['10.43.0.1', '127.0.0.1', '192.168.10.5']) assert.ok(cert.checkIP(ip), ip);
  assert.ok(cert.checkHost('kubernetes.default.svc.cluster.local'));
  assert.ok(cert.checkHost('rfo.example.com'));
  assert.equal(cert.checkHost('other.example.com'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  const days = (Date.parse(cert.validTo) - now.getTime()) / 86_400_000;
  assert.ok(days > 364 && days <= 365, `leaf validity ${days} days`);
});

test('client certificates carry their RBAC identity', () => {
  const ca = issueCertificate(spec<CaSpec>('client-ca'), { now });
  const kubelet = new X509Certificate(issueCertificate(spec<LeafSpec>('kubelet'), { now, issuer: ca.asIssuer }).certPem);
  assert.equal(kubelet.subject, 'O=system:nodes\nCN=system:node:node1');
  assert.deepEqual(kubelet.keyUsage, ['1.3.6.1.5.5.7.3.2']);
});

test('a CA rebuilt from its key on disk signs leaves that chain to the original certificate', () => {
  const caSpec = spec<CaSpec>('etcd-server-ca');
  const ca = issueCertificate(caSpec, { now });
  const again = issuerFromCaKey(caSpec, ca.keyPem);
  const leaf = new X509Certificate(issueCertificate(spec<LeafSpec>('etcd-server'), { now, issuer: again }).certPem);
  assert.ok(leaf.checkIssued(new X509Certificate(ca.certPem)));
  assert.ok(leaf.verify(new X509Certificate(ca.certPem).publicKey));
});

test('openssl verifies the chain for the purposes the certificate is for', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-pki-'));
  try {
    const ca = issueCertificate(spec<CaSpec>('server-ca'), { now: new Date() });
    const leaf = issueCertificate(spec<LeafSpec>('serving-kube-apiserver'), { now: new Date(), issuer: ca.asIssuer });
    await writeFile(join(dir, 'ca.crt'), ca.certPem);
    await writeFile(join(dir, 'leaf.crt'), leaf.certPem);
    const ok = await run({ cmd: 'openssl', args: ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')] });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const wrongPurpose = await run({ cmd: 'openssl', args: ['verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')] });
    assert.notEqual(wrongPurpose.code, 0, 'a serving certificate must not pass as a client certificate');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a CA rfo did not make (openssl, another subject and key id) signs leaves openssl verifies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-pki-'));
  try {
    const made = await run({
      cmd: 'openssl',
      args: ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/O=Example Org/CN=custom-server-ca', '-days', '30', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    });
    assert.equal(made.code, 0, made.stderr);
    const caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
    const issuer = issuerFromCaKey(spec<CaSpec>('server-ca'), await readFile(join(dir, 'ca.key'), 'utf8'), caPem);
    const leaf = issueCertificate(spec<LeafSpec>('serving-kube-apiserver'), { now: new Date(), issuer });
    await writeFile(join(dir, 'leaf.crt'), leaf.certPem);
    assert.equal(new X509Certificate(leaf.certPem).issuer, 'O=Example Org\nCN=custom-server-ca');
    const ok = await run({ cmd: 'openssl', args: ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'leaf.crt')] });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
