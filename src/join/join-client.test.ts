import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { fetchCacerts, joinGet, verifyCa } from './join-client.ts';
import { caHashOf } from './token.ts';
import { planCertSpecs } from '../pki/specs.ts';
import type { CaSpec, LeafSpec } from '../pki/specs.ts';
import { issueCertificate } from '../pki/x509.ts';

const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('a token with the CA hash accepts that CA only', () => {
  const logs: string[] = [];
  verifyCa({ caHash: caHashOf(ca), username: 'server', password: 'p' }, ca, (m) => logs.push(m));
  assert.deepEqual(logs, []);
  assert.throws(() => verifyCa({ caHash: caHashOf('another CA'), username: 'server', password: 'p' }, ca, () => undefined), (err: Error & { code?: string }) => err.code === 'RFO_CA_MISMATCH' && /not the one this token was issued for/.test(err.message));
});

test('a bare password cannot check the CA and says so', () => {
  const logs: string[] = [];
  verifyCa({ password: 'just-a-password' }, ca, (m) => logs.push(m));
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /CA was not verified/);
});

/** A fake supervisor on a loopback address: serves the real /cacerts (public), records every other request. */
async function fakeSupervisor(host: string, cert: { certPem: string; keyPem: string }, caPem: string): Promise<{ url: string; seen: string[]; close: () => void }> {
  const seen: string[] = [];
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    if (req.url === '/cacerts') return res.end(caPem);
    seen.push(`${req.url ?? ''} ${req.headers.authorization ?? 'no credential'}`);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://${host}:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test('the join client verifies the supervisor: an agent kubelet serving certificate, or a cluster certificate for another host, gets no credential', async () => {
  const now = new Date();
  const serverSpecs = planCertSpecs({ nodeName: 's1', nodeIps: ['127.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
  const agentSpecs = planCertSpecs({ nodeName: 'a1', nodeIps: ['10.0.0.21'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
  const spec = <T>(specs: unknown[], id: string) => specs.find((s) => (s as { id: string }).id === id) as T;
  const serverCa = issueCertificate(spec<CaSpec>(serverSpecs, 'server-ca'), { now });
  const kubeletCa = issueCertificate(spec<CaSpec>(serverSpecs, 'kubelet-ca'), { now });
  const supervisor = issueCertificate(spec<LeafSpec>(serverSpecs, 'serving-supervisor'), { now, issuer: serverCa.asIssuer });
  const agentServing = spec<LeafSpec>(agentSpecs, 'serving-kubelet');
  // what an agent holds: its kubelet serving certificate (SANs a1, localhost, 127.0.0.1, 10.0.0.21)
  const kubeletCert = issueCertificate(agentServing, { now, issuer: kubeletCa.asIssuer });
  // the same certificate as rfo issued it before the kubelet CA existed: signed by server-ca
  const legacyKubeletCert = issueCertificate({ ...agentServing, signer: 'server-ca' }, { now, issuer: serverCa.asIssuer });
  const token = { caHash: caHashOf(serverCa.certPem), username: 'node', password: 'the-agent-password' };

  const attempt = async (host: string, cert: { certPem: string; keyPem: string }) => {
    const fake = await fakeSupervisor(host, cert, serverCa.certPem);
    try {
      const caPem = await fetchCacerts(fake.url);
      verifyCa(token, caPem, () => undefined); // the CA hash matches: the fake serves the real (public) CA
      const result = await joinGet({ server: fake.url, caPem, username: 'node', password: token.password }, '/v1-rfo/config').then(
        () => 'sent',
        (err: Error & { code?: string }) => `${err.code ?? ''} ${err.message}`,
      );
      return { result, seen: [...fake.seen] };
    } finally {
      fake.close();
    }
  };

  const kubelet = await attempt('127.0.0.1', kubeletCert);
  assert.match(kubelet.result, /^RFO_SERVER_IDENTITY .*cluster CA did not issue for a supervisor/);
  assert.deepEqual(kubelet.seen, [], 'no request, so no credential, reached the fake');

  const otherHost = await attempt('127.0.0.2', legacyKubeletCert);
  assert.match(otherHost.result, /^RFO_SERVER_IDENTITY .*not valid for 127\.0\.0\.2/);
  assert.deepEqual(otherHost.seen, []);

  // control: the real supervisor certificate for the host in server: is accepted
  const real = await attempt('127.0.0.1', supervisor);
  assert.equal(real.result, 'sent');
  assert.equal(real.seen.length, 1);
});
