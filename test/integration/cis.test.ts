// profile: cis end to end, on a lab of two servers (HA etcd) and one agent: the profile
// refuses an unprepared host naming each fix (nothing written), `rfo cis
// prepare` fixes it, then the cluster runs etcd as etcd, writes every file
// 0600, rejects a privileged pod in `default`, audits a Secret read without
// its value, and `rfo cis check` reports 0 FAIL on every node, catches a key
// made 0644, and passes again once it is fixed. Last, a lab without the
// profile admits the privileged pod and fails exactly the checks README lists.
//
// The kernel parameters are global to the host: their values are recorded
// first and written back in `after`, and the etcd account is removed only if
// this test created it, so the CI machine is left as it was.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from '../../src/build/paths.ts';
import { labDown, labExec, labKubectl, labUp } from '../../src/lab/lab.ts';
import { readProcTable } from '../../src/util/proc-table.ts';
import { run } from '../../src/util/exec.ts';
import { cisSysctls, sysctlPath } from '../../src/host/plan-cis-host.ts';
import { hostAccounts, readSysctl, recordCisHost } from './helpers/cis-host.ts';
import type { CisHostRecord } from './helpers/cis-host.ts';
import { busyboxRef, writeBusyboxArchive } from './helpers/busybox-image.ts';
import { eventually, labHelpers } from './helpers/lab-cluster.ts';
import { findRuntime } from './helpers/runtime.ts';

const subnet = '10.197.86.0/24';
const name = 'rfocis';
const rfo = join(repoRoot, 'bin', 'rfo');
let root = '';
const labDir = () => join(root, 'lab');
const { kubectl, kubectlOk, applyOk } = labHelpers(labDir);
const nodeData = (node: string) => join(labDir(), node, 'var-lib-rancher', 'rfo');
const runDir = (node: string) => `/run/rfo-${name}-${node}`;

/** The host as we found it: the six kernel parameters and whether the etcd account existed. */
let host: CisHostRecord | undefined;
let etcdAccountExisted = false;
let labIsUp = false;
/** This checkout's runtime (with the network-policy add-on's image), not whichever was built last. */
let runtimeDir = '';

const accounts = hostAccounts;
const log = (l: string) => process.stderr.write(`${l}\n`);

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-cis-');
  host = await recordCisHost();
  etcdAccountExisted = host.etcdAccountExisted;
  log(`cis test: host before: ${JSON.stringify(host.sysctls)}, etcd account ${etcdAccountExisted ? 'exists' : 'absent'}`);
  await writeBusyboxArchive(join(root, 'busybox.tar.zst'));
  runtimeDir = (await findRuntime()).dir;
});

after(async () => {
  if (labIsUp) await labDown({ labDir: labDir() }).catch((err: unknown) => log(`lab down: ${String(err)}`));
  await host?.restore();
  await rm(root, { recursive: true, force: true });
});

async function up(config?: string, agents = 1, servers = 1): Promise<void> {
  const t0 = Date.now();
  await labUp({ servers, agents, labDir: labDir(), subnet, name, runtimeDir, images: [join(root, 'busybox.tar.zst')], ...(config ? { config } : {}), log });
  labIsUp = true;
  log(`lab up (${config ? config.trim() : 'default profile'}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

test('profile: cis refuses an unprepared host, naming each fix, and writes nothing', { timeout: 60_000 }, async () => {
  // Harmless to the host while they last: no reboot after a panic, no panic on an oops (the kernel's own defaults).
  await writeFile(sysctlPath('kernel.panic'), '0');
  await writeFile(sysctlPath('kernel.panic_on_oops'), '0');
  const attempt = async (role: 'server' | 'agent', extra: string[]) => {
    const dir = await mkdtemp(join(root, `refused-${role}-`));
    const r = await run({ cmd: rfo, args: [role, '--profile', 'cis', '--config', '/dev/null', '--data-dir', join(dir, 'data'), '--run-dir', join(dir, 'run'), ...extra] });
    return { ...r, out: r.stdout + r.stderr, wrote: (await readdir(dir)).length > 0 };
  };
  const server = await attempt('server', []);
  assert.equal(server.code, 1, server.out);
  assert.match(server.out, /RFO_HOST_NOT_PREPARED/);
  assert.match(server.out, /kernel\.panic=0, expected 10 .*; fix: sysctl -w kernel\.panic=10/);
  assert.match(server.out, /kernel\.panic_on_oops=0, expected 1 .*; fix: sysctl -w kernel\.panic_on_oops=1/);
  if (!etcdAccountExisted) assert.match(server.out, /no user and group etcd .*; fix: useradd -r -c "etcd user" -s \/sbin\/nologin -M etcd -U/);
  assert.match(server.out, /hint: run `rfo cis prepare`/);
  assert.equal(server.wrote, false, 'nothing written');

  const agent = await attempt('agent', ['--server', 'https://192.0.2.1:9345', '--token', 'K10aaaa::server:x']);
  assert.equal(agent.code, 1, agent.out);
  assert.match(agent.out, /RFO_HOST_NOT_PREPARED[\s\S]*sysctl -w kernel\.panic=10/);
  assert.doesNotMatch(agent.out, /useradd/, 'agents need no etcd account');
  assert.equal(agent.wrote, false, 'nothing written');
});

test('rfo cis prepare writes the sysctl drop-in, applies it and creates the etcd account; a second run changes nothing', { timeout: 60_000 }, async () => {
  const conf = join(root, '90-rfo-cis.conf');
  const first = await run({ cmd: rfo, args: ['cis', 'prepare', '--sysctl-conf', conf] });
  assert.equal(first.code, 0, first.stderr);
  for (const s of cisSysctls) {
    assert.equal(await readSysctl(s.key), s.value, s.key);
    assert.match(await readFile(conf, 'utf8'), new RegExp(`^${s.key.replaceAll('.', '\\.')}=${s.value}$`, 'm'));
  }
  const a = await accounts();
  assert.ok(a.users.some((u) => u.name === 'etcd') && a.groups.some((g) => g.name === 'etcd'), 'etcd user and group');
  const second = await run({ cmd: rfo, args: ['cis', 'prepare', '--sysctl-conf', conf] });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /nothing to do/);
});

// HA: s2 joins s1's etcd under the profile, so the joining path (peer certs, the etcd
// account's ownership of a data dir filled by a join) is checked as well as the first server.
test('with the profile, etcd runs as etcd and owns its data directory on both servers, and every file rfo wrote is 0600', { timeout: 900_000 }, async () => {
  await up('profile: cis\n', 1, 2);
  const { users, groups } = await accounts();
  const uid = users.find((u) => u.name === 'etcd')?.id;
  const gid = groups.find((g) => g.name === 'etcd')?.id;
  const procs = await readProcTable();
  for (const server of ['s1', 's2']) {
    const etcd = procs.find((p) => p.environ.includes(`RFO_MANAGED=${runDir(server)}`) && p.cmdline[0]?.endsWith('/etcd'));
    assert.ok(etcd, `the etcd of ${server}`);
    assert.equal((await stat(`/proc/${etcd.pid}`)).uid, uid, `${server}: etcd runs as the etcd user`);
    const dataDir = await stat(join(nodeData(server), 'server', 'db', 'etcd'));
    assert.deepEqual([dataDir.uid, dataDir.gid, dataDir.mode & 0o777], [uid, gid, 0o700], server);
  }
  const members = await kubectlOk('get', 'nodes', '-l', 'node-role.kubernetes.io/etcd=true', '-o', 'name');
  assert.deepEqual(members.trim().split('\n').sort(), ['node/s1', 'node/s2'], 'both servers are etcd nodes');

  const open: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && ((await stat(p)).mode & 0o077) !== 0) open.push(p);
    }
  };
  for (const node of ['s1', 's2', 'a1']) {
    for (const d of ['server/tls', 'server/cred', 'server/etc', 'server/manifests', 'agent/etc']) await walk(join(nodeData(node), d));
    for (const e of await readdir(join(nodeData(node), 'agent'), { withFileTypes: true })) if (e.isFile() && ((await stat(join(nodeData(node), 'agent', e.name))).mode & 0o077) !== 0) open.push(`${node}:agent/${e.name}`);
    await walk(join(labDir(), node, 'etc-cni'));
  }
  assert.deepEqual(open, [], 'certificates, keys, kubeconfigs and configs are for their owner only');

  // RKE2's default NetworkPolicies (they bite where a policy engine runs) and no token for the default service accounts.
  const policies = await kubectlOk('get', 'networkpolicies', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name} {end}');
  for (const p of ['kube-system/default-network-policy', 'kube-system/default-network-dns-policy', 'default/default-network-policy', 'kube-public/default-network-policy']) assert.ok(policies.includes(p), `${p} in ${policies}`);
  assert.equal((await kubectlOk('get', 'serviceaccount', 'default', '-o', 'jsonpath={.automountServiceAccountToken}')).trim(), 'false');
});

/** A pod that meets Pod Security `restricted` (busybox as uid 1000, RuntimeDefault seccomp, no privilege escalation, no capabilities; a writable /tmp). */
const restrictedPod = (name: string, namespace: string, nodeName: string, command: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}, labels: {app: ${name}}}
spec:
  nodeName: ${nodeName}
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, '${command}']
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    volumeMounts: [{name: tmp, mountPath: /tmp}]
  volumes: [{name: tmp, emptyDir: {}}]
`;

/** Ready, or a failure that shows why (the pod's events and the nodes' conditions). */
async function podReady(ns: string, pod: string): Promise<void> {
  const r = await kubectl('-n', ns, 'wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=120s');
  if (r.code === 0) return;
  const why = [await kubectl('-n', ns, 'describe', 'pod', pod), await kubectl('describe', 'nodes')].map((x) => x.stdout.split('\n').filter((l) => /Events|Warning|Pressure|Reason|State/.test(l)).join('\n'));
  assert.fail(`${ns}/${pod} not Ready:\n${why.join('\n')}`);
}

test("the default NetworkPolicies bite with the network-policy add-on: a pod in default takes traffic from default, not from another namespace; DNS and the metrics API still answer", { timeout: 300_000 }, async () => {
  await eventually('rfo-network-policy ready on every node', async () => (await kubectl('-n', 'kube-system', 'get', 'daemonset', 'rfo-network-policy', '-o', 'jsonpath={.status.numberReady}')).stdout === '3', 180_000);
  await kubectlOk('create', 'namespace', 'other');
  await applyOk(restrictedPod('web', 'default', 'a1', 'mkdir -p /tmp/www && echo hello > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'));
  for (const ns of ['default', 'other']) await applyOk(restrictedPod('client', ns, 's1', 'exec sleep 3600'));
  for (const [ns, pod] of [['default', 'web'], ['default', 'client'], ['other', 'client']] as const) await podReady(ns, pod);
  const ip = (await kubectlOk('get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}')).trim();
  // busybox's own timeout: its wget -T crashes in this build (network-policy.test.ts)
  const fetch = async (ns: string) => (await kubectl('-n', ns, 'exec', 'client', '--', 'busybox', 'timeout', '3', 'wget', '-qO-', `http://${ip}:8080`)).stdout.trim();
  await eventually('default → default', async () => (await fetch('default')) === 'hello', 60_000);
  await eventually('other → default refused', async () => (await fetch('other')) === '', 60_000);
  for (let i = 0; i < 3; i++) assert.equal(await fetch('other'), '', 'stays refused');
  assert.equal(await fetch('default'), 'hello', 'same namespace still in');
  // default-network-dns-policy: CoreDNS in kube-system answers every namespace.
  const dns = await kubectl('-n', 'other', 'exec', 'client', '--', 'nslookup', 'kubernetes.default.svc.cluster.local', '10.43.0.10');
  assert.match(dns.stdout, /10\.43\.0\.1/, dns.stdout + dns.stderr);
  // default-network-metrics-server-policy: the apiserver (host network) reaches metrics-server in kube-system.
  await eventually('the metrics API', async () => (await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes')).stdout.includes('NodeMetricsList'), 120_000, 2000);
});

const privilegedPod = (namespace: string) => `
apiVersion: v1
kind: Pod
metadata: {name: privileged, namespace: ${namespace}}
spec:
  containers:
  - name: c
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sleep, '3600']
    securityContext: {privileged: true}
`;

test('Pod Security restricted: a privileged pod in default is rejected, kube-system is exempt, a restricted pod runs under RuntimeDefault seccomp', { timeout: 180_000 }, async () => {
  const refused = await labKubectl(['apply', '-f', '-'], { labDir: labDir(), input: privilegedPod('default') });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /violates PodSecurity "restricted:latest": privileged/);
  const exempt = await labKubectl(['apply', '--dry-run=server', '-f', '-'], { labDir: labDir(), input: privilegedPod('kube-system') });
  assert.equal(exempt.code, 0, exempt.stderr);
  await applyOk(`
apiVersion: v1
kind: Pod
metadata: {name: restricted}
spec:
  nodeName: a1
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: ${busyboxRef}
    imagePullPolicy: Never
    command: [sh, -c, 'echo restricted ok; cat /proc/self/status']
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`);
  await eventually('the restricted pod to finish', async () => (await kubectl('get', 'pod', 'restricted', '-o', 'jsonpath={.status.phase}')).stdout === 'Succeeded', 120_000).catch(async (err: unknown) => {
    assert.fail(`${(err as Error).message}\n${(await kubectl('describe', 'pod', 'restricted')).stdout}`);
  });
  const out = await kubectlOk('logs', 'restricted');
  assert.match(out, /restricted ok/);
  assert.match(out, /^Seccomp:\s+2$/m, 'seccomp filter mode');
  assert.match(out, /^NoNewPrivs:\s+1$/m);
});

test('the audit log records a Secret read with its metadata only: the value never appears', { timeout: 120_000 }, async () => {
  const value = `cis-${randomBytes(12).toString('hex')}`;
  await kubectlOk('create', 'secret', 'generic', 'audited', `--from-literal=password=${value}`);
  assert.match(await kubectlOk('get', 'secret', 'audited', '-o', 'yaml'), new RegExp(Buffer.from(value).toString('base64')));
  const auditLog = join(nodeData('s1'), 'agent', 'logs', 'audit.log');
  let event: { level?: string; verb?: string; user?: { username?: string } } | undefined;
  await eventually('the read in the audit log', async () => {
    const lines = (await readFile(auditLog, 'utf8')).trim().split('\n');
    event = lines
      .map((l) => JSON.parse(l) as { level?: string; verb?: string; stage?: string; objectRef?: { resource?: string; name?: string }; user?: { username?: string } })
      .find((e) => e.verb === 'get' && e.objectRef?.resource === 'secrets' && e.objectRef.name === 'audited');
    return event !== undefined;
  }, 30_000);
  assert.equal(event?.level, 'Metadata');
  assert.equal(event?.user?.username, 'system:admin');
  const text = await readFile(auditLog, 'utf8');
  for (const form of [value, Buffer.from(value).toString('base64')]) assert.ok(!text.includes(form), 'the value is not in the audit log');
  assert.equal((await stat(auditLog)).mode & 0o777, 0o600);
});

interface Report {
  Totals: { total_pass: number; total_fail: number; total_warn: number; total_info: number };
  Controls: { tests: { results: { test_number: string; status: string; actual_value: string }[] }[] }[];
}
async function cisCheck(node: string): Promise<{ code: number; report: Report; fails: string[] }> {
  const r = await labExec(node, [rfo, 'cis', 'check', '--run-dir', runDir(node), '-o', 'json'], { labDir: labDir() });
  const report = JSON.parse(r.stdout) as Report;
  const fails = report.Controls.flatMap((c) => c.tests.flatMap((t) => t.results)).filter((x) => x.status === 'FAIL').map((x) => `${x.test_number} ${x.actual_value}`);
  log(`rfo cis check on ${node}: ${JSON.stringify(report.Totals)}${fails.length ? `\n  ${fails.join('\n  ')}` : ''}`);
  return { code: r.code, report, fails };
}

test('rfo cis check: 0 FAIL on both servers and on the agent under the profile', { timeout: 180_000 }, async () => {
  for (const node of ['s1', 's2', 'a1']) {
    const { code, report, fails } = await cisCheck(node);
    assert.deepEqual(fails, [], node);
    assert.equal(code, 0);
    assert.ok(report.Totals.total_pass >= (node.startsWith('s') ? 90 : 20), `${node}: ${JSON.stringify(report.Totals)}`);
  }
  const table = await labExec('s1', [rfo, 'cis', 'check', '--run-dir', runDir('s1')], { labDir: labDir() });
  assert.match(table.stdout, /^\[PASS\] 1\.1\.12 Ensure that the etcd data directory ownership is set to etcd:etcd \(Manual\)$/m);
  assert.match(table.stdout, /== Summary total ==\n\d+ checks PASS\n0 checks FAIL\n/);
});

test('rfo cis check FAILs a key file made 0644 and PASSes once it is 0600 again', { timeout: 120_000 }, async () => {
  const key = join(nodeData('s1'), 'server', 'tls', 'serving-kube-apiserver.key');
  await chmod(key, 0o644);
  try {
    const { code, fails } = await cisCheck('s1');
    assert.equal(code, 1);
    assert.deepEqual(fails, ['1.1.21 0644 root:root /var/lib/rancher/rfo/server/tls/serving-kube-apiserver.key']);
  } finally {
    await chmod(key, 0o600);
  }
  const fixed = await cisCheck('s1');
  assert.equal(fixed.code, 0);
  assert.deepEqual(fixed.fails, []);
});

test('without the profile: a privileged pod in default is admitted, and the FAILs are the ones README lists', { timeout: 600_000 }, async () => {
  await labDown({ labDir: labDir() });
  labIsUp = false;
  await up(undefined, 0);
  await applyOk(privilegedPod('default'));
  await eventually('the privileged pod to run', async () => (await kubectl('get', 'pod', 'privileged', '-o', 'jsonpath={.status.phase}')).stdout === 'Running', 120_000);
  assert.ok(!existsSync(join(nodeData('s1'), 'agent', 'logs', 'audit.log')), 'no audit log by default');
  const { code, fails } = await cisCheck('s1');
  assert.equal(code, 1);
  assert.deepEqual(
    fails.map((f) => f.split(' ')[0]),
    ['1.2.16', '1.2.17', '1.2.18', '1.2.19', '1.2.29', '1.2.30', '3.2.1', '4.1.7', '4.1.9'],
  );
});
