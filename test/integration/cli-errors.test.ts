// Bad command lines fail fast with typed errors and touch nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/util/exec.ts';
import { repoRoot } from '../../src/build/paths.ts';
import { findRuntime } from './helpers/runtime.ts';

const rfo = join(repoRoot, 'bin', 'rfo');

test('an unknown command is a usage error with a hint', async () => {
  const r = await run({ cmd: rfo, args: ['serve'] });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /RFO_USAGE\]: unknown command "serve"\n {2}hint: run `rfo help`/);
});

test('killall refuses unknown flags before stopping anything', async () => {
  const r = await run({ cmd: rfo, args: ['killall', '--config', '/dev/null', '--data-dri', '/tmp/x'] });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /RFO_CONFIG_INVALID\]: invalid configuration:\n {2}command line: --data-dri: unknown flag for rfo server/);
  assert.doesNotMatch(r.stderr, /killall: stopped/);
});

test('rfo verify: an unknown flag is a usage error; an unsigned runtime or a missing key is refused by name', async () => {
  const bogus = await run({ cmd: rfo, args: ['verify', '--bogus'] });
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /RFO_USAGE\].*--bogus[\s\S]*hint: rfo verify --help/);
  // a runtime built here has a manifest but no release signature (any readable --key gets past the key check)
  const runtime = await findRuntime();
  const unsigned = await run({ cmd: rfo, args: ['verify', '--runtime-dir', runtime.dir, '--key', join(repoRoot, 'package.json')] });
  assert.equal(unsigned.code, 1);
  assert.match(unsigned.stderr, /RFO_VERIFY_FAILED\]: .*manifest\.json is not signed \(no manifest\.json\.sig\)/);
  const noKey = await run({ cmd: rfo, args: ['verify', '--runtime-dir', runtime.dir, '--key', '/nonexistent/rfo-release.pub'] });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /RFO_VERIFY_FAILED\]: no release public key at \/nonexistent\/rfo-release\.pub\n {2}hint: pass --key/);
});

test('rfo server: a resolv-conf that does not exist is refused before anything is written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-resolv-'));
  try {
    const r = await run({ cmd: rfo, args: ['server', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), '--resolv-conf', '/nonexistent/resolv.conf'] });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RFO_CONFIG_INVALID\]: resolv-conf \/nonexistent\/resolv\.conf does not exist\n {2}hint: point resolv-conf at an existing resolv\.conf/);
    assert.deepEqual(await readdir(dir), [], 'nothing written');
    const relative = await run({ cmd: rfo, args: ['server', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--resolv-conf', 'resolv.conf'] });
    assert.equal(relative.code, 1);
    assert.match(relative.stderr, /resolv-conf/);
    assert.deepEqual(await readdir(dir), [], 'nothing written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rfo server and rfo agent: a node name or cluster domain that is not a DNS-1123 subdomain, or a bad node IP, is refused by key before anything is written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-node-name-'));
  try {
    const flag = await run({ cmd: rfo, args: ['server', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), '--node-name', 'Bad_Name'] });
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /RFO_CONFIG_INVALID\]: invalid configuration:\n {2}command line: node-name: "Bad_Name" is not a DNS-1123 subdomain/);
    assert.deepEqual(await readdir(dir), [], 'nothing written');
    const config = join(dir, 'config.yaml');
    await writeFile(config, 'cluster-domain: Cluster.Local\n');
    const domain = await run({ cmd: rfo, args: ['server', '--config', config, '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run')] });
    assert.equal(domain.code, 1);
    assert.match(domain.stderr, new RegExp(`${config}: cluster-domain: "Cluster\\.Local" is not a DNS-1123 subdomain`));
    await writeFile(config, 'node-name: agent_1\nnode-ip: 10.0.0.300\n');
    const file = await run({ cmd: rfo, args: ['agent', '--config', config, '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), '--server', 'https://127.0.0.1:9345', '--token', 'x'] });
    assert.equal(file.code, 1);
    assert.match(file.stderr, new RegExp(`${config}: node-name: "agent_1" is not a DNS-1123 subdomain`));
    assert.match(file.stderr, new RegExp(`${config}: node-ip: "10\\.0\\.0\\.300" is not an IP address`));
    assert.deepEqual(await readdir(dir), ['config.yaml'], 'nothing written');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rfo server --dry-run prints the components, command lines, files and certificates, and writes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rfo-dry-run-'));
  try {
    const runtime = await findRuntime();
    const kubeconfig = join(dir, 'rfo.yaml');
    const args = ['server', '--dry-run', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), '--write-kubeconfig', kubeconfig, '--runtime-dir', runtime.dir, '--node-ip', '10.0.0.9'];
    const r = await run({ cmd: rfo, args: [...args, '--disable', 'rfo-coredns'] });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^rfo server --dry-run: nothing was started or written\n/);
    assert.match(r.stdout, /\n {2}1\. etcd, containerd\n/, 'containerd starts beside etcd');
    assert.match(r.stdout, new RegExp(`\\n {2}kube-apiserver: ${join(dir, 'data', 'bin', 'kube-apiserver')} --advertise-address=10\\.0\\.0\\.9 `));
    assert.match(r.stdout, /remove \(disabled\): rfo-coredns/);
    assert.match(r.stdout, new RegExp(`\\n {2}${kubeconfig}\\n`));
    assert.match(r.stdout, /serving-kube-apiserver\.crt {2}signed by server-ca/);
    assert.deepEqual(await readdir(dir), [], 'nothing written');
    const none = await run({ cmd: rfo, args: [...args, '--cni', 'none'] });
    assert.equal(none.code, 0, none.stderr);
    assert.doesNotMatch(none.stdout, /flanneld/);
    assert.match(none.stdout, /node-registered/);
    const bad = await run({ cmd: rfo, args: [...args, '--cluster-cidr', 'nonsense'] });
    assert.equal(bad.code, 1, 'a dry run validates like a real start');
    assert.match(bad.stderr, /RFO_CONFIG_INVALID/);
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
