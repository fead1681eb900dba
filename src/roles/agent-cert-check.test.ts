import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { agentCertCheck } from './agent-cert-check.ts';
import { issueCertificate } from '../pki/x509.ts';
import type { LeafSpec } from '../pki/specs.ts';

const day = 24 * 60 * 60 * 1000;
const leaf = (cn: string): LeafSpec => ({ kind: 'leaf', id: cn, file: cn, signer: 'self', commonName: cn, usages: ['clientAuth'], dnsNames: [], ipAddresses: [], validityDays: 365 });
/** A certificate issued `daysAgo` days ago (365 days valid), as the server's PEM answer. */
const issued = (cn: string, daysAgo: number) => {
  const c = issueCertificate(leaf(cn), { now: new Date(Date.now() - daysAgo * day) });
  return c.certPem + c.keyPem;
};

async function withAgentDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-agent-renew-'));
  try {
    for (const kind of ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel']) {
      const pem = issued(kind, kind === 'client-kube-proxy' ? 300 : 10); // kube-proxy's has 65 days left
      const at = pem.indexOf('-----BEGIN PRIVATE KEY-----');
      await writeFile(join(dir, `${kind}.crt`), pem.slice(0, at));
      await writeFile(join(dir, `${kind}.key`), pem.slice(at));
    }
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const input = (dir: string, fetch: (kind: string) => Promise<string>) => ({
  agentDir: dir,
  kubeletDir: join(dir, 'kubelet'),
  nodeName: 'a1',
  fetch,
  apiserver: 'https://127.0.0.1:6444',
  caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  restart: () => Promise.resolve(),
  running: new Set(['kubelet', 'kube-proxy', 'flanneld']),
});

test('an agent fetches only the expiring certificate from a server, writes it and its kubeconfig', async () => {
  await withAgentDir(async (dir) => {
    const asked: string[] = [];
    const check = agentCertCheck(input(dir, (kind) => (asked.push(kind), Promise.resolve(issued(`${kind}-new`, 0)))));
    const renewed = await check.renew(new Date());
    assert.deepEqual(renewed, ['client-kube-proxy']);
    assert.deepEqual(asked, ['client-kube-proxy']);
    const cert = new X509Certificate(await readFile(join(dir, 'client-kube-proxy.crt')));
    assert.equal(cert.subject, 'CN=client-kube-proxy-new');
    await check.rewriteKubeconfigs(['kubeproxy.kubeconfig']);
    const kc = parse(await readFile(join(dir, 'kubeproxy.kubeconfig'), 'utf8')) as { users: { user: Record<string, string> }[]; clusters: { cluster: { server: string } }[] };
    assert.equal(Buffer.from(kc.users[0]?.user['client-certificate-data'] ?? '', 'base64').toString(), await readFile(join(dir, 'client-kube-proxy.crt'), 'utf8'));
    assert.equal(kc.clusters[0]?.cluster.server, 'https://127.0.0.1:6444');
    // the others were not asked for and not touched
    assert.equal(new X509Certificate(await readFile(join(dir, 'client-flannel.crt'))).subject, 'CN=client-flannel');
  });
});

test('a refused or empty answer leaves the old files in place', async () => {
  await withAgentDir(async (dir) => {
    const before = await readFile(join(dir, 'client-kube-proxy.crt'), 'utf8');
    await assert.rejects(agentCertCheck(input(dir, () => Promise.reject(new Error('403 refused')))).renew(new Date()), /403/);
    await assert.rejects(agentCertCheck(input(dir, () => Promise.resolve('not a certificate'))).renew(new Date()), /no certificate and key/);
    assert.equal(await readFile(join(dir, 'client-kube-proxy.crt'), 'utf8'), before);
  });
});
