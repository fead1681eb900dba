import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSupervisorApi } from './listener.ts';
import { issueCertificate } from '../pki/x509.ts';
import { planCertSpecs } from '../pki/specs.ts';
import type { CaSpec, LeafSpec } from '../pki/specs.ts';
import { caHashOf } from '../join/token.ts';

const specs = planCertSpecs({ nodeName: 'n1', nodeIps: ['127.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
const ca = issueCertificate(specs.find((s) => s.id === 'server-ca') as CaSpec, { now: new Date() });
const serving = issueCertificate(specs.find((s) => s.id === 'serving-supervisor') as LeafSpec, { now: new Date(), issuer: ca.asIssuer });

function get(port: number, path: string, auth?: string, ca?: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ...(ca ? { ca } : { rejectUnauthorized: false }), headers: { ...extra, ...(auth ? { authorization: auth } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('over real TLS on loopback: fetch /cacerts unverified, check its hash, then verify the server with it', async () => {
  const logs: string[] = [];
  const server = await startSupervisorApi({
    host: '127.0.0.1',
    port: 0,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    state: {
      caPem: ca.certPem,
      passwords: { server: 's3cret', node: 'n0de' },
      ready: () => true,
      agentConfig: () => ({ ok: true }),
      issueNodeCert: () => Promise.reject(new Error('boom')),
      checkNodePassword: () => Promise.resolve(true),
      bootstrap: () => Promise.resolve(''),
      etcdMembers: () => Promise.resolve([]),
      identityRules: { serviceIp: '10.43.0.1', clusterDomain: 'cluster.local' },
      servers: () => Promise.resolve({ names: new Set<string>(), ips: new Set<string>() }),
    },
    log: (m) => logs.push(m),
  });
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cacerts = await get(port, '/cacerts');
    assert.equal(caHashOf(cacerts.body), caHashOf(ca.certPem));
    const unauth = await get(port, '/v1-rfo/config', undefined, cacerts.body);
    assert.equal(unauth.status, 401);
    const auth = `Basic ${Buffer.from('node:n0de').toString('base64')}`;
    const ok = await get(port, '/v1-rfo/config', auth, cacerts.body);
    assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { ok: true }]);
    // a failing handler is a 500 whose body says nothing of the cause; the log names it
    const failed = await get(port, '/v1-rfo/client-kubelet.crt', auth, cacerts.body, { 'rfo-node-name': 'n1', 'rfo-node-password': 'a-node-password-0123', 'rfo-node-ip': '10.0.0.1' });
    assert.equal(failed.status, 500);
    assert.doesNotMatch(failed.body, /boom/);
    assert.ok(logs.some((l) => l.includes('boom')), logs.join('\n'));
    assert.equal((await get(port, '/ping')).body, 'pong');
    assert.ok(logs.some((l) => l.includes('/v1-rfo/config → 401')), 'failed auth is logged');
    assert.ok(!logs.some((l) => l.includes('n0de') || l.includes('/ping')), 'no secrets and no pings in the log');
  } finally {
    server.close();
  }
});
