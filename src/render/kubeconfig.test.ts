import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderKubeconfig } from './kubeconfig.ts';

test('a kubeconfig embeds the CA and client credentials and selects its context', () => {
  const text = renderKubeconfig({ server: 'https://127.0.0.1:6443', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' });
  const doc = parse(text) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: Record<string, string> }[];
    'current-context': string;
  };
  assert.equal(doc.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
  assert.equal(Buffer.from(doc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), 'CA');
  assert.equal(Buffer.from(doc.users[0]?.user['client-key-data'] ?? '', 'base64').toString(), 'KEY');
  assert.equal(doc['current-context'], 'default');
});
