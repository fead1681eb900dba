// registries.yaml (private-registry) end to end: a real server in a test
// node pulls an image that is in no airgap archive, through the mirror that
// registries.yaml names, from a real registry (go-containerregistry's, built
// from its module) running in the same node. Bad files are refused before
// anything is written.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { startLabRegistry } from '../../src/conformance/lab-registry.ts';
import type { LabRegistry } from '../../src/conformance/lab-registry.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { findRuntime } from './helpers/runtime.ts';
import { createTestNode } from './helpers/test-node.ts';
import type { TestNode } from './helpers/test-node.ts';
import { killallArgs, nodeDirArgs, serverDirs, testServerArgs } from './helpers/server-dirs.ts';
import { stopProcess, untilReady } from './helpers/rfo-process.ts';
import { eventually } from './helpers/eventually.ts';
import { toolPaths } from './helpers/tools.ts';

const rfo = join(repoRoot, 'bin', 'rfo');
const secret = 'mirror-secret-7';
let node: TestNode;
let root: string;
let runtimeDir = '';
let server: ChildProcess | undefined;
let registry: LabRegistry | undefined;
let output = '';
let registryLog = '';

const dirs = () => serverDirs(root);
const config = () => join(root, 'config.yaml');
const registryAddress = () => `${node.ip}:5055`;

async function startServer(extra: readonly string[] = []): Promise<void> {
  output = '';
  const proc = spawn(node.prefix[0] ?? 'nsenter', [...node.prefix.slice(1), rfo, ...testServerArgs(dirs(), { config: config(), nodeIp: node.ip, runtimeDir, extra })], { stdio: ['ignore', 'ignore', 'pipe'] });
  server = proc;
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await untilReady(proc, () => output);
}

const kubectl = (...args: string[]) => node.exec(join(dirs().data, 'bin', 'kubectl'), ['--kubeconfig', dirs().kubeconfig, ...args]);

before(async () => {
  runtimeDir = (await findRuntime()).dir;
  root = await mkdtemp('/var/tmp/rfo-registries-');
  node = await createTestNode('rfo-reg', 81);
  // The test image in an OCI layout: the registry's only source; no node imports it.
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  registry = await startLabRegistry({
    bin: (await toolPaths(['lab-registry']))['lab-registry'] ?? '',
    archive: join(root, 'busybox.tar.zst'),
    address: registryAddress(),
    workDir: join(root, 'registry'),
    log: () => undefined,
    prefix: node.prefix,
    onLine: (l) => (registryLog += `${l}\n`),
  });
  await writeFile(config(), 'disable: [rfo-traefik, rfo-gateway-api-crds, rfo-metrics-server, rfo-local-path, rfo-network-policy]\n');
});

after(async () => {
  await stopProcess(server);
  await registry?.stop();
  if (node) {
    await node.exec(rfo, killallArgs(dirs()));
    await node.destroy();
  }
  if (root) await rm(root, { recursive: true, force: true });
});

test('a bad registries.yaml stops rfo server and rfo agent with the file and key named, and writes nothing', async () => {
  const cases: [string, RegExp][] = [
    ['mirrors:\n  registry.rfo.test:\n    endpoint: ["http://x:5000"]\n    rewrite: {"^a/(.*)": "b/$1"}\n', /mirrors\.registry\.rfo\.test\.rewrite is not supported/],
    ['configs:\n  registry.rfo.test:\n    tls: { ca_file: /nonexistent/ca.pem }\n', /names \/nonexistent\/ca\.pem, which does not exist/],
    ['mirrors:\n  registry.rfo.test:\n    endpoint: [registry.rfo.test]\n', /is not a URL/],
  ];
  for (const [text, message] of cases) {
    await writeFile(dirs().registries, text);
    const r = await node.exec(rfo, testServerArgs(dirs(), { config: config(), nodeIp: node.ip, runtimeDir }));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /RFO_CONFIG_INVALID/);
    assert.match(r.stderr, message);
    assert.ok(r.stderr.includes(dirs().registries), 'the file is named');
    assert.ok(!existsSync(dirs().data), 'nothing written');
    // The agent reads the file before it dials the server (none listens here) or writes anything.
    const agent = await node.exec(rfo, ['agent', '--config', '/dev/null', ...nodeDirArgs(dirs()), '--node-ip', node.ip, '--runtime-dir', runtimeDir, '--server', `https://${node.ip}:9345`, '--token', 'not-used']);
    assert.equal(agent.code, 1, agent.stderr);
    assert.match(agent.stderr, /RFO_CONFIG_INVALID/);
    assert.match(agent.stderr, message);
    assert.ok(agent.stderr.includes(dirs().registries), 'the file is named');
    assert.ok(!existsSync(dirs().data), 'nothing written by the agent');
  }
});

test('an image in no archive is pulled through the mirror registries.yaml names; credentials stay out of logs', { timeout: 400_000 }, async () => {
  await writeFile(
    dirs().registries,
    [
      'mirrors:',
      '  registry.rfo.test:',
      `    endpoint: ["http://${registryAddress()}"]`,
      'configs:',
      `  "${registryAddress()}":`,
      `    auth: { username: rfo, password: ${secret} }`,
      '',
    ].join('\n'),
  );
  await startServer();
  assert.match(output, /registries: 1 mirrored registry, 1 config\(s\)/);
  const hosts = await readFile(join(dirs().data, 'agent', 'etc', 'containerd', 'certs.d', 'registry.rfo.test', 'hosts.toml'), 'utf8');
  assert.match(hosts, new RegExp(`\\[host\\."http://${registryAddress().replaceAll('.', '\\.')}/v2"\\]`));
  const containerdConfig = join(dirs().data, 'agent', 'etc', 'containerd', 'config.toml');
  assert.equal((await stat(containerdConfig)).mode & 0o777, 0o600, 'config.toml holds a password: root only');
  assert.match(await readFile(containerdConfig, 'utf8'), /config_path = ".*certs\.d"/);

  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'from-mirror', namespace: 'default' },
    spec: { containers: [{ name: 'c', image: busyboxRef, imagePullPolicy: 'Always', command: ['sleep', '3600'] }] },
  };
  const applied = await node.exec(join(dirs().data, 'bin', 'kubectl'), ['--kubeconfig', dirs().kubeconfig, 'apply', '-f', '-'], JSON.stringify(pod));
  assert.equal(applied.code, 0, applied.stderr);
  await eventually('the pod pulled from the mirror to run', async () => (await kubectl('get', 'pod', 'from-mirror', '-o', 'jsonpath={.status.phase}')).stdout === 'Running', 180_000).catch(async (err: unknown) => {
    throw new Error(`${String(err)}\n${(await kubectl('describe', 'pod', 'from-mirror')).stdout.split('\n').slice(-8).join('\n')}\n${registryLog.slice(-2000)}`);
  });
  // The tag was resolved and the layers fetched from the mirror, asked with the registry it stands for (containerd's ns=).
  assert.match(registryLog, /HEAD \/v2\/library\/busybox\/manifests\/1\.35\?ns=registry\.rfo\.test\n/);
  assert.match(registryLog, /GET \/v2\/library\/busybox\/blobs\/sha256:[0-9a-f]{64}\?ns=registry\.rfo\.test\n/);
  assert.ok(!output.includes(secret), 'the password is not in rfo\'s log');
});

test('registries.yaml removed: at the next start the mirrors are gone too', { timeout: 300_000 }, async () => {
  await stopProcess(server);
  await rm(dirs().registries);
  await startServer();
  assert.deepEqual(await readdir(join(dirs().data, 'agent', 'etc', 'containerd', 'certs.d')), []);
  assert.equal((await stat(join(dirs().data, 'agent', 'etc', 'containerd', 'config.toml'))).mode & 0o777, 0o644);
});
