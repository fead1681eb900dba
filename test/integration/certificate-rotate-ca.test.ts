// `rfo certificate rotate-ca` against a real `rfo server` (a one-server
// lab: private mounts, so pods of other tests' nodes never mix with its
// own): new CA material made with openssl as an operator would (a new CA plus
// a copy cross-signed by the current one). Bad material is refused with the
// reasons and changes nothing; good material is written after a backup, and
// the restarted server is Ready with every leaf of the rotated CAs reissued
// under the new ones, no component restarting, a kubeconfig made before the
// rotation still working, and a new token hash.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { labHelpers } from './helpers/lab-cluster.ts';
import { stageCa as stageCaMaterial } from './helpers/ca-material.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
let root = '';
const labDir = () => join(root, 'lab');
const { nodeReady } = labHelpers(labDir);
const log = (l: string) => process.stderr.write(`${l}\n`);
/** s1's data dir as the host sees it. */
const data = () => join(labDir(), 's1', 'var-lib-rancher', 'rfo');
const tls = (f: string) => join(data(), 'server', 'tls', f);

const inNode = (...argv: string[]) => labExec('s1', argv, { labDir: labDir() });
const kubectl = (kubeconfig: string, ...args: string[]) => inNode('/var/lib/rancher/rfo/bin/kubectl', '--kubeconfig', kubeconfig, ...args);
const rotateCa = (path: string, ...extra: string[]) => inNode(rfo, 'certificate', 'rotate-ca', '--path', path, ...extra);
const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');

/** A new CA (name `cn`) in dir/<file>.crt/.key: the new CA, then its copy cross-signed by s1's current one (helpers/ca-material.ts). */
const stageCa = (dir: string, file: string, cn: string, crossSigned = true) => stageCaMaterial({ workRoot: root, current: tls, dir, file, cn, crossSigned });

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-cert-ca-');
  await labUp({ servers: 1, agents: 0, labDir: labDir(), subnet: '10.197.72.0/24', name: 'rfocertca', log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
});

test('bad CA material is refused with the reasons; nothing changes on the server', { timeout: 120_000 }, async () => {
  const before = await sha(tls('client-ca.crt'));
  const alone = join(root, 'stage-alone');
  await stageCa(alone, 'client-ca', 'rfo-client-ca-2', false);
  const r = await rotateCa(alone);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /RFO_CA_INVALID\]: .*the new CA files were refused; nothing was changed:\n {2}client-ca\.crt holds only the new CA: add a copy of it cross-signed/s);
  assert.match(r.stderr, /hint: fix the CA files/);
  // The key of another CA: refused too.
  const mismatch = join(root, 'stage-mismatch');
  await stageCa(mismatch, 'client-ca', 'rfo-client-ca-2');
  await stageCa(join(root, 'other'), 'request-header-ca', 'other');
  await writeFile(join(mismatch, 'client-ca.key'), await readFile(join(root, 'other', 'request-header-ca.key')));
  const m = await rotateCa(mismatch);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /client-ca: the key does not match the certificate/);
  // An empty dir and a missing --path are usage errors.
  await mkdir(join(root, 'empty'));
  assert.equal((await rotateCa(join(root, 'empty'))).code, 2);
  assert.equal(await sha(tls('client-ca.crt')), before);
  assert.deepEqual((await readdir(join(data(), 'server'))).filter((f) => f.startsWith('tls-')), [], 'no backup for a refused request');
});

test('good material is written; after a restart the leaves are under the new CAs, an old kubeconfig still works, the token hash changed', { timeout: 900_000 }, async () => {
  const oldKubeconfig = join(root, 'old-admin.yaml');
  await writeFile(oldKubeconfig, await readFile(join(labDir(), 's1', 'etc-rancher', 'rfo', 'rfo.yaml')));
  const oldToken = await readFile(join(data(), 'server', 'token'), 'utf8');
  const stage = join(root, 'stage');
  await stageCa(stage, 'client-ca', 'rfo-client-ca-2');
  await stageCa(stage, 'server-ca', 'rfo-server-ca-2');
  const r = await rotateCa(stage);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^https:\/\/127\.0\.0\.1:9345 wrote server-ca\.crt, server-ca\.key, client-ca\.crt, client-ca\.key \(backup: .*server\/tls-\d+\)\nRestart rfo on each server, then on each agent/);
  assert.match(r.stdout, /server-ca changed: the CA hash in the token changes/);
  const backups = (await readdir(join(data(), 'server'))).filter((f) => f.startsWith('tls-'));
  assert.equal(backups.length, 1);

  await stopNode('s1', { labDir: labDir(), log });
  const logFile = join(labDir(), 's1', 'rfo.log');
  const logStart = (await stat(logFile)).size;
  await startNode('s1', { labDir: labDir(), log });
  // kube-controller-manager signs with the new client CA alone (client-ca.nochain.crt): it must not crash-loop on the bundle.
  await new Promise((res) => setTimeout(res, 30_000));
  const restartLog = (await readFile(logFile, 'utf8')).slice(logStart);
  assert.doesNotMatch(restartLog, /exited \(\d+\); restarting/, 'no component restarts after the rotation');
  const issuerOf = async (f: string) => new X509Certificate(await readFile(tls(f), 'utf8')).issuer;
  assert.equal(await issuerOf('client-admin.crt'), 'CN=rfo-client-ca-2');
  assert.equal(await issuerOf('client-kubelet.crt'), 'CN=rfo-client-ca-2');
  assert.equal(await issuerOf('serving-kube-apiserver.crt'), 'CN=rfo-server-ca-2');
  assert.equal(await issuerOf('etcd/client.crt'), 'CN=etcd-server-ca', 'CAs not given keep their value');
  assert.equal(await nodeReady('s1'), 'True');
  // Made before the rotation: trusts only the old server-ca, presents a client certificate of the old client-ca.
  const old = await kubectl(oldKubeconfig, 'get', 'ns', 'kube-system', '-o', 'name');
  assert.equal(old.code, 0, `a kubeconfig from before the rotation: ${old.stderr}`);
  const fresh = await kubectl('/etc/rancher/rfo/rfo.yaml', 'get', 'ns', 'kube-system', '-o', 'name');
  assert.equal(fresh.code, 0, fresh.stderr);
  const newToken = await readFile(join(data(), 'server', 'token'), 'utf8');
  assert.notEqual(newToken.split('::')[0], oldToken.split('::')[0], 'the CA hash in the token changed');
  assert.equal(newToken.split('::')[1], oldToken.split('::')[1], 'the password did not');
  // check lists the bundle: new CA, its cross-signed copy, the old CA.
  const check = await inNode(rfo, 'certificate', 'check', '-o', 'json');
  const rows = (JSON.parse(check.stdout) as { file: string; subject: string }[]).filter((x) => x.file === 'server/tls/server-ca.crt');
  assert.deepEqual(rows.map((x) => x.subject), ['CN=rfo-server-ca-2', 'CN=rfo-server-ca-2', 'CN=rfo-server-ca']);
});
