// Secrets encryption at rest on a real server: what etcd (and a snapshot)
// hold, `rfo secrets-encrypt` through the supervisor API, key rotation,
// disable/enable with reencryption, a provider switch, and refusals.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import { killallArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import type { TestNode } from './helpers/test-node.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
const literal = 'rfo-plaintext-canary-7f3a9c';
let node: TestNode;
let root = '';
let runtimeDir = '';
let server: ChildProcess | undefined;
let output = '';

const d = () => serverDirs(root, join(root, 'rfo.yaml'));
const common = () => ['--data-dir', d().data];
const serverArgs = (config: string) => testServerArgs(d(), { config, nodeIp: node.ip, runtimeDir });

async function startServer(config: string): Promise<void> {
  output = '';
  server = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...serverArgs(config)], { stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  await untilReady(server, () => output);
}

const kubectl = async (...args: string[]) => {
  const r = await node.exec(join(d().data, 'bin', 'kubectl'), ['--kubeconfig', d().kubeconfig, ...args]);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const se = (...args: string[]) => node.exec(rfo, ['secrets-encrypt', ...args, '--config', '/dev/null', ...common()]);
async function etcdRaw(key: string): Promise<string> {
  const tls = (f: string) => join(d().data, 'server', 'tls', 'etcd', f);
  const r = await node.exec(join(d().data, 'bin', 'etcdctl'), ['--endpoints', 'https://127.0.0.1:2379', '--cacert', tls('server-ca.crt'), '--cert', tls('client.crt'), '--key', tls('client.key'), 'get', key, '--print-value-only']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
const rawSecret = (name: string) => etcdRaw(`/registry/secrets/default/${name}`);

/** Create n Secrets in one kubectl call. */
async function createSecrets(prefix: string, n: number): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${prefix}-${i}`, namespace: 'default' }, stringData: { value: `${literal}-${prefix}-${i}` } }));
  const file = join(root, `${prefix}.json`);
  await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await kubectl('apply', '-f', file);
}

async function status(): Promise<{ stage: string; enable: boolean; activekey: string; inactivekeys: string[]; hashmatch: boolean; hasherror: string }> {
  const r = await se('status', '-o', 'json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Awaited<ReturnType<typeof status>>;
}

async function untilHashesMatch(maxMs = 90_000): Promise<void> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < maxMs) {
    const s = await status();
    if (s.hashmatch) return;
    last = s.hasherror;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  assert.fail(`hashes did not match in ${maxMs} ms: ${last}`);
}

/** reencrypt runs in the server: until the stage says it finished. */
async function untilFinished(maxMs = 240_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    if ((await status()).stage === 'reencrypt_finished') return;
    await new Promise((r) => setTimeout(r, 2_000));
  }
  assert.fail(`reencryption did not finish in ${maxMs} ms; server log:\n${output.slice(-3000)}`);
}

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-secrets-');
  node = await createTestNode('rfo-secrets', 80);
});

after(async () => {
  await stopProcess(server);
  if (node) {
    await node.exec(rfo, killallArgs(d()));
    await node.destroy();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

test('a new server encrypts Secrets with aescbc: the raw etcd value and a snapshot hold no plaintext', { timeout: 400_000 }, async () => {
  await startServer('/dev/null');
  const cfg = join(d().data, 'server', 'cred', 'encryption-config.json');
  assert.equal((await stat(cfg)).mode & 0o777, 0o600);
  await createSecrets('first', 1);
  const raw = await rawSecret('first-0');
  assert.ok(raw.startsWith('k8s:enc:aescbc:v1:aescbckey:'), raw.slice(0, 40));
  assert.ok(!raw.includes(literal));
  assert.equal(Buffer.from(await kubectl('get', 'secret', 'first-0', '-o', 'jsonpath={.data.value}'), 'base64').toString(), `${literal}-first-0`);
  // The key record in etcd is sealed with the token: no key material in clear either.
  const key = JSON.parse(await readFile(cfg, 'utf8')) as { resources: { providers: { aescbc?: { keys: { secret: string }[] } }[] }[] };
  const secret = key.resources[0]?.providers[0]?.aescbc?.keys[0]?.secret ?? '';
  assert.equal(Buffer.from(secret, 'base64').length, 32);
  assert.match(await etcdRaw('/rfo/secrets-encryption'), /^rfo1:/);
  const snap = await node.exec(rfo, ['etcd-snapshot', 'save', '--config', '/dev/null', ...common(), '--name', 'enc']);
  assert.equal(snap.code, 0, snap.stderr);
  const dir = join(d().data, 'server', 'db', 'snapshots');
  const [file] = (await readdir(dir)).filter((f) => f.startsWith('enc'));
  const bytes = await readFile(join(dir, file ?? ''));
  assert.ok(bytes.length > 100_000, 'a real snapshot');
  assert.equal(bytes.indexOf(literal), -1, 'the Secret literal is not in the snapshot');
  assert.equal(bytes.indexOf(secret), -1, 'nor the key');
  const text = await se('status');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^Encryption Status: Enabled\nCurrent Rotation Stage: start\nServer Encryption Hashes: All hashes match\n/);
});

test('bad input changes nothing: a stage out of order, a server that is down, a wrong token', { timeout: 120_000 }, async () => {
  const before = await readFile(join(d().data, 'server', 'cred', 'encryption-config.json'), 'utf8');
  const rotate = await se('rotate');
  assert.equal(rotate.code, 1);
  assert.match(rotate.stderr, /RFO_ENCRYPTION_STAGE\]: rotate needs the rotation stage to be prepare; it is start\n {2}hint: .*rotate-keys/);
  const down = await se('status', '--server', `https://${node.ip}:9399`);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /RFO_SERVER_UNREACHABLE\]: cannot reach the rfo server/);
  const token = (await readFile(join(d().data, 'server', 'token'), 'utf8')).trim();
  const wrong = await se('prepare', '--token', token.replace(/::server:.*/, '::server:wrongpassword'));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /RFO_TOKEN_REJECTED/);
  const bogus = await se('frobnicate');
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /needs a subcommand, not "frobnicate"/);
  assert.equal(await readFile(join(d().data, 'server', 'cred', 'encryption-config.json'), 'utf8'), before);
  assert.equal((await status()).stage, 'start');
});

test('rotate-keys: every Secret readable afterwards and written with the new key; the old key is gone', { timeout: 400_000 }, async () => {
  await createSecrets('rot', 200);
  const r = await se('rotate-keys');
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${output.slice(-2000)}`);
  assert.match(r.stdout, /keys rotated, reencryption started\nreencryption finished: active key aescbckey-\d{4}-/);
  const s = await status();
  assert.deepEqual([s.stage, s.inactivekeys], ['reencrypt_finished', []]);
  // The file without the old key reaches kube-apiserver at its next poll (once a minute).
  await untilHashesMatch();
  for (const name of ['first-0', 'rot-0', 'rot-199']) {
    const raw = await rawSecret(name);
    assert.ok(raw.startsWith(`k8s:enc:aescbc:v1:${s.activekey}:`), `${name}: ${raw.slice(0, 50)}`);
  }
  const values = JSON.parse(await kubectl('get', 'secrets', '-o', 'json')) as { items: { metadata: { name: string }; data?: { value?: string } }[] };
  const rot = values.items.filter((i) => i.metadata.name.startsWith('rot-'));
  assert.equal(rot.length, 200);
  for (const i of rot) assert.equal(Buffer.from(i.data?.value ?? '', 'base64').toString(), `${literal}-${i.metadata.name}`);
});

test('disable then reencrypt writes plaintext; enable then reencrypt encrypts every Secret again (migrating a cluster that had it off)', { timeout: 600_000 }, async () => {
  const off = await se('disable');
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /secrets-encryption disabled/);
  assert.equal((await se('reencrypt', '--force', '--skip')).code, 0);
  await untilFinished();
  assert.ok((await rawSecret('rot-5')).startsWith('k8s\x00'), 'plaintext protobuf after disable + reencrypt');
  assert.ok((await rawSecret('rot-5')).includes(literal));
  const on = await se('enable');
  assert.match(on.stdout, /secrets-encryption enabled/);
  assert.equal((await se('reencrypt', '--force', '--skip')).code, 0);
  await untilFinished();
  const s = await status();
  for (const name of ['first-0', 'rot-5', 'rot-150']) assert.ok((await rawSecret(name)).startsWith(`k8s:enc:aescbc:v1:${s.activekey}:`), name);
});

test('secretbox when chosen: a restart with secrets-encryption-provider: secretbox, then rotate-keys, writes with secretbox', { timeout: 600_000 }, async () => {
  await stopProcess(server);
  const config = join(root, 'secretbox.yaml');
  await writeFile(config, 'secrets-encryption-provider: secretbox\n');
  await startServer(config);
  const r = await se('rotate-keys');
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${output.slice(-3000)}`);
  const s = await status();
  assert.match(s.activekey, /^secretboxkey-/);
  const raw = await rawSecret('rot-7');
  assert.ok(raw.startsWith(`k8s:enc:secretbox:v1:${s.activekey}:`), raw.slice(0, 60));
  assert.equal(Buffer.from(await kubectl('get', 'secret', 'rot-7', '-o', 'jsonpath={.data.value}'), 'base64').toString(), `${literal}-rot-7`);
});
