import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsrPem } from './parse-csr.ts';
import { csrPem } from './csr-fixtures.test-helper.ts';

// Made by OpenSSL 3 (not by rfo's own DER writer): O=system:nodes, CN=system:node:n1,
// SANs DNS:n1, IP:10.0.0.5, IP:fd00::1, email:a@b.c, URI:spiffe://x.
const opensslCsr = `-----BEGIN CERTIFICATE REQUEST-----
MIIBNjCB3QIBADAwMRUwEwYDVQQKDAxzeXN0ZW06bm9kZXMxFzAVBgNVBAMMDnN5
c3RlbTpub2RlOm4xMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwDBMyksmlek3
veb9NCG14Te1W7SSvRIUMhMQk1YPgdC8Ut0QERscEPXK+IGdpWyXaSn9Vt6Yyig7
ffkT+DU/MKBLMEkGCSqGSIb3DQEJDjE8MDowOAYDVR0RBDEwL4ICbjGHBAoAAAWH
EP0AAAAAAAAAAAAAAAAAAAGBBWFAYi5jhgpzcGlmZmU6Ly94MAoGCCqGSM49BAMC
A0gAMEUCIDBrZPiJIJnrGMJzCwpzdsBlcx4TBnbGaxzb88AOyCMgAiEAqc0ldR2I
kDHb8Op147qSidLUea25AkuwXWrNNkeEx+A=
-----END CERTIFICATE REQUEST-----
`;

test("an OpenSSL request: subject and every kind of subject alternative name", () => {
  const r = parseCsrPem(opensslCsr);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.csr, {
    commonName: 'system:node:n1',
    organizations: ['system:nodes'],
    dnsNames: ['n1'],
    ipAddresses: ['10.0.0.5', 'fd00:0:0:0:0:0:0:1'],
    emailAddresses: ['a@b.c'],
    uris: ['spiffe://x'],
    otherNames: 0,
  });
});

test('a request without extensions has no names', () => {
  const r = parseCsrPem(csrPem({ commonName: 'system:node:n2', organizations: [], withExtensions: false }));
  assert.ok(r.ok);
  assert.deepEqual([r.csr.commonName, r.csr.dnsNames, r.csr.ipAddresses], ['system:node:n2', [], []]);
});

test('garbage, truncated and trailing data are errors, never exceptions', () => {
  const good = csrPem({ commonName: 'x', dnsNames: ['x'] });
  const body = good.split('\n').slice(1, -2).join('');
  const der = Buffer.from(body, 'base64');
  const pem = (b: Buffer) => `-----BEGIN CERTIFICATE REQUEST-----\n${b.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  for (const bad of ['hello', pem(Buffer.from('hello')), pem(der.subarray(0, der.length - 10)), pem(Buffer.concat([der, Buffer.from([0, 0])])), pem(Buffer.alloc(0))]) {
    const r = parseCsrPem(bad);
    assert.equal(r.ok, false, bad.slice(0, 60));
  }
});
