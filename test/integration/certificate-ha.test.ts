// `rfo certificate rotate-ca` in an HA cluster (a lab of two servers): the
// command runs once, against s1; s1 hands the files on to s2. Then the
// servers restart one at a time (s2 first, while s1 still has the old
// leaves) and the cluster stays whole: etcd peers with old and new
// certificates trust each other through the cross-signed copy and the kept
// old CA, both nodes are Ready, and every leaf is under the new CAs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labUp, startNode, stopNode } from '../../src/lab/lab.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { stageCa as stageCaMaterial } from './helpers/ca-material.ts';

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

/** A new CA (name `cn`) in dir/<file>.crt/.key: the new CA, then its copy cross-signed by s1's current one (helpers/ca-material.ts). */
const stageCa = (dir: string, file: string, cn: string, crossSigned = true) => stageCaMaterial({ workRoot: root, current: (n) => tls('s1', n), dir, file, cn, crossSigned });

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
