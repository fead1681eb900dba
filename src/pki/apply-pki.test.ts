import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

test('upgrade of a data dir from before the kubelet CA; two servers sharing server-ca make the same kubelet CA key', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-pki-upgrade-'));
  try {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const now = new Date();
    // the old layout: no kubelet CA, serving-kubelet signed by server-ca
    const old = planCertSpecs(input)
      .filter((s) => s.id !== 'kubelet-ca')
      .map((s) => (s.id === 'serving-kubelet' ? { ...s, signer: 'server-ca' } : s));
    await applyPki(a, old, now);
    const before = new Map<string, string>();
    for (const f of ['server-ca.crt', 'client-ca.crt', 'serving-kube-apiserver.crt', 'serving-supervisor.crt', 'client-admin.crt', 'etcd/peer-ca.crt']) before.set(f, await readFile(join(a, f), 'utf8'));
    const upgraded = await applyPki(a, planCertSpecs(input), now);
    assert.deepEqual(upgraded.actions.filter((x) => x.action !== 'keep').map((x) => `${x.action}:${x.id}`), ['create:kubelet-ca', 'reissue:serving-kubelet']);
    for (const [f, pem] of before) assert.equal(await readFile(join(a, f), 'utf8'), pem, `${f} kept`);
    const serverCa = new X509Certificate(await readFile(join(a, 'server-ca.crt'), 'utf8'));
    const kubeletCaA = new X509Certificate(await readFile(join(a, 'kubelet-ca.crt'), 'utf8'));
    const servingA = new X509Certificate(await readFile(join(a, 'serving-kubelet.crt'), 'utf8'));
    assert.ok(servingA.verify(kubeletCaA.publicKey), 'signed by the kubelet CA');
    assert.ok(!servingA.verify(serverCa.publicKey), 'no longer by server-ca: it cannot pass as an apiserver or supervisor certificate');

    // server b has the cluster's server-ca (as every server does) and upgrades on its own
    await mkdir(b);
    for (const f of ['server-ca.crt', 'server-ca.key']) await writeFile(join(b, f), await readFile(join(a, f)));
    await applyPki(b, planCertSpecs({ ...input, nodeName: 'node2', nodeIps: ['192.168.10.6'] }), now);
    const kubeletCaB = new X509Certificate(await readFile(join(b, 'kubelet-ca.crt'), 'utf8'));
    assert.equal(kubeletCaB.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'), kubeletCaA.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
    // so a's apiserver verifies b's kubelet
    const servingB = new X509Certificate(await readFile(join(b, 'serving-kubelet.crt'), 'utf8'));
    assert.ok(servingB.checkIssued(kubeletCaA) && servingB.verify(kubeletCaA.publicKey));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('after rotate-ca wrote a cross-signed server-ca, the next start reissues its leaves; they verify against the new CA and, through the chain they carry, against the old one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-pki-'));
  try {
    const { generateKeyPairSync } = await import('node:crypto');
    const { issueCertificate, issuerFromCaKey } = await import('./x509.ts');
    const { planCaRotation } = await import('./plan-ca-rotation.ts');
    const { run } = await import('../util/exec.ts');
    const specs = planCertSpecs(input);
    await applyPki(dir, specs, new Date());
    const oldCaPem = await readFile(join(dir, 'server-ca.crt'), 'utf8');
    const caSpec = { kind: 'ca' as const, id: 'server-ca', file: 'server-ca', commonName: 'rfo-server-ca-new', validityDays: 3650 };
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const fresh = issueCertificate(caSpec, { now: new Date(), key });
    const oldIssuer = issuerFromCaKey({ ...caSpec, commonName: 'rfo-server-ca' }, await readFile(join(dir, 'server-ca.key'), 'utf8'), oldCaPem);
    const cross = issueCertificate(caSpec, { now: new Date(), key, issuer: oldIssuer });
    const current = { 'server-ca.crt': oldCaPem, 'server-ca.key': await readFile(join(dir, 'server-ca.key'), 'utf8') };
    const plan = planCaRotation({ current, staged: { 'server-ca.crt': fresh.certPem + cross.certPem, 'server-ca.key': fresh.keyPem }, force: false, now: new Date() });
    assert.ok(plan.ok);
    if (!plan.ok) return;
    for (const w of plan.writes) await writeFile(join(dir, w.file), w.content, { mode: w.mode });

    const after = await applyPki(dir, specs, new Date());
    const reissued = after.actions.filter((a) => a.action === 'reissue').map((a) => a.id).sort();
    assert.deepEqual(reissued, ['admin', 'serving-kube-apiserver', 'serving-supervisor'].filter((id) => specs.find((s) => s.id === id && s.kind === 'leaf' && s.signer === 'server-ca')).sort());
    assert.ok(after.actions.some((a) => a.id === 'kubelet-ca' && a.action === 'keep'), 'kubelet-ca (its own file) is kept');
    const leafFile = join(dir, 'serving-kube-apiserver.crt');
    await writeFile(join(dir, 'new-ca.pem'), fresh.certPem);
    await writeFile(join(dir, 'old-ca.pem'), oldCaPem);
    const viaNew = await run({ cmd: 'openssl', args: ['verify', '-CAfile', join(dir, 'new-ca.pem'), leafFile] });
    assert.equal(viaNew.code, 0, viaNew.stdout + viaNew.stderr);
    // A node still trusting only the old CA: the leaf file's second certificate (the cross-signed copy) is the bridge.
    await writeFile(join(dir, 'chain.pem'), (await readFile(leafFile, 'utf8')).split(/(?<=-----END CERTIFICATE-----\n)/)[1] ?? '');
    const viaOld = await run({ cmd: 'openssl', args: ['verify', '-CAfile', join(dir, 'old-ca.pem'), '-untrusted', join(dir, 'chain.pem'), leafFile] });
    assert.equal(viaOld.code, 0, viaOld.stdout + viaOld.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('nochain copies hold only the signing certificate of a CA bundle (kube-controller-manager refuses a bundle)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-pki-'));
  try {
    const { writeUnchainedCas } = await import('./apply-pki.ts');
    await applyPki(dir, planCertSpecs(input), new Date());
    const single = await readFile(join(dir, 'client-ca.crt'), 'utf8');
    await writeFile(join(dir, 'client-ca.crt'), single + (await readFile(join(dir, 'server-ca.crt'), 'utf8')));
    await writeUnchainedCas(dir);
    assert.equal(await readFile(join(dir, 'client-ca.nochain.crt'), 'utf8'), single);
    assert.equal(await readFile(join(dir, 'server-ca.nochain.crt'), 'utf8'), await readFile(join(dir, 'server-ca.crt'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
