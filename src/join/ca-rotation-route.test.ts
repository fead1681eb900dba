import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPki, ensureServiceAccountKey } from '../pki/apply-pki.ts';
import { planCertSpecs } from '../pki/specs.ts';
import { issueCertificate, issuerFromCaKey } from '../pki/x509.ts';
import { handle } from '../api/handlers.ts';
import type { ApiState } from '../api/handlers.ts';
import { startSupervisorApi } from '../api/listener.ts';
import type { SupervisorApi } from '../api/listener.ts';
import { caRotationPath, caRotationRoute } from './ca-rotation-route.ts';

const auth = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const passwords = { server: 'spw', node: 'npw' };

/** Two servers of one cluster: B's tls dir is a copy of A's (the same CAs, as joining copies them). A hands the files on to B. */
async function twoServers(root: string) {
  const tlsA = join(root, 'a', 'server', 'tls');
  const tlsB = join(root, 'b', 'server', 'tls');
  await applyPki(tlsA, planCertSpecs({ nodeName: 'n1', nodeIps: ['127.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' }), new Date());
  await ensureServiceAccountKey(tlsA);
  await cp(tlsA, tlsB, { recursive: true });
  const caPem = await readFile(join(tlsA, 'server-ca.crt'), 'utf8');
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  let peerUrls: string[] = [];
  const stateOf = (tlsDir: string, peers: () => Promise<string[]>) =>
    ({ caPem, passwords, serverRoutes: { [`PUT ${caRotationPath}`]: caRotationRoute({ tlsDir, log, caPem, serverPassword: passwords.server, peers }) } }) as unknown as ApiState;
  const startB = async () => {
    const api = await startSupervisorApi({
      host: '127.0.0.1',
      port: 0,
      certPem: await readFile(join(tlsB, 'serving-supervisor.crt'), 'utf8'),
      keyPem: await readFile(join(tlsB, 'serving-supervisor.key'), 'utf8'),
      state: stateOf(tlsB, () => Promise.resolve([])),
      log,
    });
    const address = api.address();
    peerUrls = [`https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`];
    return api;
  };
  const stateA = stateOf(tlsA, () => Promise.resolve(peerUrls));
  const put = (files: Record<string, string>, who = auth('server', passwords.server)) => handle({ method: 'PUT', path: caRotationPath, authorization: who, body: JSON.stringify({ files }) }, stateA);
  return { tlsA, tlsB, logs, startB, put, stateA };
}

async function newClientCa(tlsDir: string, crossSigned: boolean) {
  const spec = { kind: 'ca' as const, id: 'client-ca', file: 'client-ca', commonName: 'rfo-client-ca-2', validityDays: 3650 };
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const fresh = issueCertificate(spec, { now: new Date(), key });
  const cross = issueCertificate(spec, { now: new Date(), key, issuer: issuerFromCaKey(spec, await readFile(join(tlsDir, 'client-ca.key'), 'utf8'), await readFile(join(tlsDir, 'client-ca.crt'), 'utf8')) });
  return { 'client-ca.crt': fresh.certPem + (crossSigned ? cross.certPem : ''), 'client-ca.key': fresh.keyPem };
}

const backupsOf = async (tlsDir: string) => (await readdir(join(tlsDir, '..'))).filter((d) => d.startsWith('tls-'));

test('PUT cert/cacerts: server token only; bad material or a server that is down changes nothing on any server; good material is written on every server after a backup', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-rotate-ca-'));
  const c = await twoServers(root);
  let b: SupervisorApi | undefined = await c.startB();
  try {
    const oldA = await readFile(join(c.tlsA, 'client-ca.crt'), 'utf8');
    const good = await newClientCa(c.tlsA, true);
    assert.equal((await c.put(good, auth('node', passwords.node))).status, 403);
    assert.equal((await handle({ method: 'PUT', path: caRotationPath, authorization: auth('server', passwords.server), body: '{"files": 3}' }, c.stateA)).status, 400);

    const alone = await c.put(await newClientCa(c.tlsA, false));
    assert.equal(alone.status, 400);
    assert.match(alone.body, /nothing was changed[\s\S]*cross-signed/);

    // B down: phase one fails, A writes nothing either.
    await new Promise((r) => b?.close(r));
    b = undefined;
    const down = await c.put(good);
    assert.equal(down.status, 409, down.body);
    assert.match(down.body, /server https:\/\/127\.0\.0\.1:\d+ did not accept the new CA files \(cannot reach .*\); nothing was changed on any server/);
    for (const tls of [c.tlsA, c.tlsB]) {
      assert.equal(await readFile(join(tls, 'client-ca.crt'), 'utf8'), oldA);
      assert.deepEqual(await backupsOf(tls), []);
    }

    b = await c.startB();
    const ok = await c.put(good);
    assert.equal(ok.status, 200, ok.body);
    const reply = JSON.parse(ok.body) as { changed: string[]; backup: string; serverCaChanged: boolean; peers: { server: string; changed: string[]; backup: string }[] };
    assert.deepEqual(reply.changed, ['client-ca.crt', 'client-ca.key']);
    assert.equal(reply.serverCaChanged, false);
    assert.deepEqual(reply.peers.map((p) => p.changed), [['client-ca.crt', 'client-ca.key']]);
    for (const [tls, backup] of [[c.tlsA, reply.backup], [c.tlsB, reply.peers[0]?.backup ?? '']] as const) {
      assert.match(backup, /server\/tls-\d+$/);
      assert.equal(await readFile(join(backup, 'client-ca.crt'), 'utf8'), oldA, 'the backup has the old CA');
      assert.equal((await stat(backup)).mode & 0o777, 0o700);
      assert.ok((await readFile(join(tls, 'client-ca.crt'), 'utf8')).startsWith(good['client-ca.crt']), tls);
      assert.ok((await readFile(join(tls, 'client-ca.crt'), 'utf8')).endsWith(oldA), 'the current CA stays trusted');
      assert.equal(await readFile(join(tls, 'client-ca.key'), 'utf8'), good['client-ca.key']);
      assert.equal((await stat(join(tls, 'client-ca.key'))).mode & 0o777, 0o600);
    }
    assert.ok(!c.logs.join('\n').includes('PRIVATE KEY'), 'no key material in the log');
  } finally {
    await new Promise((r) => (b ? b.close(r) : r(undefined)));
    await rm(root, { recursive: true, force: true });
  }
});
