import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { applyPki, ensureServiceAccountKey } from './apply-pki.ts';
import { planCertSpecs } from './specs.ts';

const input = { nodeName: 'node1', nodeIps: ['192.168.10.5', 'fd00::5'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' };

test('first run creates the PKI; a restart keeps every key and certificate; a new SAN reissues only its certificates', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-pki-'));
  try {
    const now = new Date();
    const first = await applyPki(dir, planCertSpecs(input), now);
    assert.ok(first.actions.every((a) => a.action === 'create'));
    assert.equal((await stat(join(dir, 'server-ca.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'etcd', 'peer-ca.crt'))).mode & 0o777, 0o644);
    const caBefore = await readFile(join(dir, 'server-ca.crt'), 'utf8');
    const apiBefore = await readFile(join(dir, 'serving-kube-apiserver.crt'), 'utf8');

    const second = await applyPki(dir, planCertSpecs(input), now);
    assert.deepEqual(second.actions.filter((a) => a.action !== 'keep'), []);
    assert.equal(await readFile(join(dir, 'server-ca.crt'), 'utf8'), caBefore);

    const third = await applyPki(dir, planCertSpecs({ ...input, tlsSans: ['rfo.example.com'] }), now);
    assert.deepEqual(third.actions.filter((a) => a.action !== 'keep').map((a) => a.id).sort(), ['serving-kube-apiserver', 'serving-supervisor']);
    const apiAfter = new X509Certificate(await readFile(join(dir, 'serving-kube-apiserver.crt'), 'utf8'));
    assert.notEqual(apiAfter.toString(), apiBefore);
    assert.ok(apiAfter.checkHost('rfo.example.com'));
    assert.ok(apiAfter.checkIssued(new X509Certificate(caBefore)), 'reissued under the same CA');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the service account key is created once and kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-sa-'));
  try {
    await ensureServiceAccountKey(dir);
    const key = await readFile(join(dir, 'service.key'), 'utf8');
    await ensureServiceAccountKey(dir);
    assert.equal(await readFile(join(dir, 'service.key'), 'utf8'), key);
    assert.equal(await readFile(join(dir, 'service.current.key'), 'utf8'), key);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
