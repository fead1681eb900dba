// `rfo certificate rotate-ca` in an HA cluster (a lab of two servers): the
// command runs once, against s1; s1 hands the files on to s2. Then the
// servers restart one at a time (s2 first, while s1 still has the old
// leaves) and the cluster stays whole: etcd peers with old and new
// certificates trust each other through the cross-signed copy and the kept
// old CA, both nodes are Ready, and every leaf is under the new CAs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { run } from '../../src/util/exec.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';

let root = '';
const labDir = () => join(root, 'lab');
const { kubectlOk, nodeReady } = labHelpers(labDir);
const rfo = join(repoRoot, 'bin', 'rfo');
const log = (l: string) => process.stderr.write(`${l}\n`);
const tls = (node: string, f: string) => join(labDir(), node, 'var-lib-rancher', 'rfo', 'server', 'tls', f);

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-cert-ha-');
  await labUp({ servers: 2, agents: 0, labDir: labDir(), subnet: '10.197.71.0/24', name: 'rfocertha', log });
});

after(async () => {
  await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await rm(root, { recursive: true, force: true });
});

async function openssl(...args: string[]): Promise<void> {
  const r = await run({ cmd: 'openssl', args });
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A new CA in dir/<file>.crt/.key: the new CA, then its copy cross-signed by s1's current one. */
async function stageCa(dir: string, file: string, cn: string): Promise<void> {
  const work = await mkdtemp(join(root, 'ca-'));
  const ext = join(work, 'ext.cnf');
  await writeFile(ext, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(work, 'new.key'));
  await openssl('req', '-x509', '-new', '-key', join(work, 'new.key'), '-subj', `/CN=${cn}`, '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign', '-out', join(work, 'new.crt'));
  await openssl('req', '-new', '-key', join(work, 'new.key'), '-subj', `/CN=${cn}`, '-out', join(work, 'new.csr'));
  await openssl('x509', '-req', '-in', join(work, 'new.csr'), '-CA', tls('s1', `${file}.crt`), '-CAkey', tls('s1', `${file}.key`), '-CAcreateserial', '-days', '3650', '-extfile', ext, '-out', join(work, 'cross.crt'));
  await mkdir(join(dir, file, '..'), { recursive: true });
  await writeFile(join(dir, `${file}.crt`), (await readFile(join(work, 'new.crt'), 'utf8')) + (await readFile(join(work, 'cross.crt'), 'utf8')));
  await writeFile(join(dir, `${file}.key`), await readFile(join(work, 'new.key')), { mode: 0o600 });
}

const issuerOf = async (node: string, f: string) => new X509Certificate(await readFile(tls(node, f), 'utf8')).issuer;

test('rotate-ca once reaches both servers; rolling restarts keep etcd and the cluster whole; leaves end under the new CAs', { timeout: 1_200_000 }, async () => {
  const stage = join(root, 'stage');
  await stageCa(stage, 'server-ca', 'rfo-server-ca-ha2');
  await stageCa(stage, 'client-ca', 'rfo-client-ca-ha2');
  await stageCa(stage, 'etcd/peer-ca', 'etcd-peer-ca-ha2');
  const r = await labExec('s1', [rfo, 'certificate', 'rotate-ca', '--path', stage], { labDir: labDir() });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^https:\/\/127\.0\.0\.1:9345 wrote server-ca\.crt, server-ca\.key, client-ca\.crt, client-ca\.key, etcd\/peer-ca\.crt, etcd\/peer-ca\.key \(backup: [^\n]+\)\nhttps:\/\/10\.197\.71\.\d+:9345 wrote server-ca\.crt, server-ca\.key, client-ca\.crt, client-ca\.key, etcd\/peer-ca\.crt, etcd\/peer-ca\.key \(backup: [^\n]+\)\n/);
  for (const node of ['s1', 's2']) {
    assert.equal(new X509Certificate(await readFile(tls(node, 'etcd/peer-ca.crt'), 'utf8')).subject, 'CN=etcd-peer-ca-ha2', node);
    assert.equal(await issuerOf(node, 'etcd/peer-server-client.crt'), 'CN=etcd-peer-ca', `${node}: leaves change only at the restart`);
  }

  // s2 first: it comes back with new leaves while s1 still has the old ones.
  await stopNode('s2', { labDir: labDir(), log });
  await startNode('s2', { labDir: labDir(), log });
  assert.equal(await issuerOf('s2', 'etcd/peer-server-client.crt'), 'CN=etcd-peer-ca-ha2');
  assert.equal(await issuerOf('s1', 'etcd/peer-server-client.crt'), 'CN=etcd-peer-ca');
  await eventually('both servers Ready with mixed leaves', async () => (await nodeReady('s1')) === 'True' && (await nodeReady('s2')) === 'True', 180_000);
  const health = await labExec('s2', ['sh', '-c', 'cd /var/lib/rancher/rfo/server/tls/etcd && /var/lib/rancher/rfo/bin/etcdctl --endpoints https://127.0.0.1:2379 --cacert server-ca.crt --cert client.crt --key client.key endpoint health --cluster'], { labDir: labDir() });
  assert.equal(health.code, 0, health.stdout + health.stderr);
  assert.equal((health.stdout.match(/is healthy/g) ?? []).length, 2, health.stdout);

  await stopNode('s1', { labDir: labDir(), log });
  await startNode('s1', { labDir: labDir(), log });
  await eventually('both servers Ready', async () => (await nodeReady('s1')) === 'True' && (await nodeReady('s2')) === 'True', 180_000);
  for (const node of ['s1', 's2']) {
    assert.equal(await issuerOf(node, 'serving-kube-apiserver.crt'), 'CN=rfo-server-ca-ha2', node);
    assert.equal(await issuerOf(node, 'client-admin.crt'), 'CN=rfo-client-ca-ha2', node);
    assert.equal(await issuerOf(node, 'etcd/peer-server-client.crt'), 'CN=etcd-peer-ca-ha2', node);
  }
  assert.match(await kubectlOk('get', 'nodes'), /s2 +Ready/);
});
