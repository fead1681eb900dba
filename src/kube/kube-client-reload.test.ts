import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from './kube-client.ts';
import { issueCertificate } from '../pki/x509.ts';
import type { CaSpec, LeafSpec } from '../pki/specs.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';

const now = new Date();
const ca = issueCertificate({ kind: 'ca', id: 'ca', file: 'ca', commonName: 'test-ca', validityDays: 10 } satisfies CaSpec, { now });
const leaf = (cn: string, usage: 'serverAuth' | 'clientAuth'): LeafSpec => ({ kind: 'leaf', id: cn, file: cn, signer: 'ca', commonName: cn, usages: [usage], dnsNames: [], ipAddresses: usage === 'serverAuth' ? ['127.0.0.1'] : [], validityDays: 10 });
const serving = issueCertificate(leaf('server', 'serverAuth'), { now, issuer: ca.asIssuer });

test('reload() makes the client present the certificate its kubeconfig has now, without a new client', async () => {
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.end(JSON.stringify({ cn: (req.socket as TLSSocket).getPeerCertificate().subject.CN }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = await mkdtemp(join(tmpdir(), 'rfo-kc-'));
  const path = join(dir, 'x.kubeconfig');
  const write = (cn: string) => {
    const c = issueCertificate(leaf(cn, 'clientAuth'), { now, issuer: ca.asIssuer });
    return writeFile(path, renderKubeconfig({ server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caPem: ca.certPem, certPem: c.certPem, keyPem: c.keyPem }));
  };
  try {
    await write('before-renewal');
    const client = await KubeClient.fromKubeconfig(path);
    assert.deepEqual(await client.request('GET', '/who'), { cn: 'before-renewal' });
    await write('after-renewal');
    // a kept-alive connection still has the old certificate until reload
    assert.deepEqual(await client.request('GET', '/who'), { cn: 'before-renewal' });
    await client.reload();
    assert.deepEqual(await client.request('GET', '/who'), { cn: 'after-renewal' });
    client.close();
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
