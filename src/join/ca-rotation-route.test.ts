import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPki, ensureServiceAccountKey } from '../pki/apply-pki.ts';
import { planCertSpecs } from '../pki/specs.ts';
import { issueCertificate, issuerFromCaKey } from '../pki/x509.ts';
import { handle } from '../api/handlers.ts';
import type { ApiState } from '../api/handlers.ts';
import { caRotationPath, caRotationRoute } from './ca-rotation-route.ts';

const auth = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

test('PUT cert/cacerts: server token only; bad material changes nothing; good material is written after a backup', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-rotate-ca-'));
  const tls = join(root, 'server', 'tls');
  try {
    await applyPki(tls, planCertSpecs({ nodeName: 'n1', nodeIps: ['10.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' }), new Date());
    await ensureServiceAccountKey(tls);
    const logs: string[] = [];
    const state = { passwords: { server: 'spw', node: 'npw' }, serverRoutes: { [`PUT ${caRotationPath}`]: caRotationRoute(tls, (m) => logs.push(m)) } } as unknown as ApiState;
    const put = (files: Record<string, string>, who = auth('server', 'spw')) => handle({ method: 'PUT', path: caRotationPath, authorization: who, body: JSON.stringify({ files }) }, state);

    const oldCrt = await readFile(join(tls, 'client-ca.crt'), 'utf8');
    const spec = { kind: 'ca' as const, id: 'client-ca', file: 'client-ca', commonName: 'rfo-client-ca-2', validityDays: 3650 };
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const fresh = issueCertificate(spec, { now: new Date(), key });
    const cross = issueCertificate(spec, { now: new Date(), key, issuer: issuerFromCaKey(spec, await readFile(join(tls, 'client-ca.key'), 'utf8'), oldCrt) });

    assert.equal((await put({ 'client-ca.crt': fresh.certPem + cross.certPem, 'client-ca.key': fresh.keyPem }, auth('node', 'npw'))).status, 403);
    const refused = await put({ 'client-ca.crt': fresh.certPem, 'client-ca.key': fresh.keyPem });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /nothing was changed[\s\S]*cross-signed/);
    assert.equal(await readFile(join(tls, 'client-ca.crt'), 'utf8'), oldCrt);
    assert.deepEqual((await readdir(join(root, 'server'))).sort(), ['tls'], 'no backup for a refused request');
    assert.equal((await handle({ method: 'PUT', path: caRotationPath, authorization: auth('server', 'spw'), body: '{"files": 3}' }, state)).status, 400);

    const ok = await put({ 'client-ca.crt': fresh.certPem + cross.certPem, 'client-ca.key': fresh.keyPem });
    assert.equal(ok.status, 200, ok.body);
    const reply = JSON.parse(ok.body) as { changed: string[]; backup: string; serverCaChanged: boolean };
    assert.deepEqual(reply.changed, ['client-ca.crt', 'client-ca.key']);
    assert.equal(reply.serverCaChanged, false);
    assert.match(reply.backup, /server\/tls-\d+$/);
    assert.equal(await readFile(join(reply.backup, 'client-ca.crt'), 'utf8'), oldCrt, 'the backup has the old CA');
    assert.equal((await stat(reply.backup)).mode & 0o777, 0o700);
    assert.ok((await readFile(join(tls, 'client-ca.crt'), 'utf8')).startsWith(fresh.certPem));
    assert.equal(await readFile(join(tls, 'client-ca.key'), 'utf8'), fresh.keyPem);
    assert.equal((await stat(join(tls, 'client-ca.key'))).mode & 0o777, 0o600);
    assert.ok(!logs.join('\n').includes('PRIVATE KEY'), 'no key material in the log');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
