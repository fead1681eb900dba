import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { cisChecks } from './cis-checks.ts';
import { evaluateCheck, evaluateCis, targetsFor, testValue, totals } from './evaluate-cis.ts';
import type { CisCheck, CisFacts, Component, FileFact, FileSet } from './cis-types.ts';
import { mergeKubeletConfigs, parseProcessFlags } from './parse-process-flags.ts';
import { renderCisJson, renderCisTable } from './render-cis-report.ts';
import { planApiserver, planControllerManager, planEtcd, planScheduler } from '../components/plan-control-plane.ts';
import type { ControlPlaneInput } from '../components/plan-control-plane.ts';
import { planKubelet, planKubeProxy } from '../components/plan-node.ts';
import type { NodeInput } from '../components/plan-node.ts';
import { renderKubeletConfig } from '../render/kubelet-config.ts';
import { renderAuditPolicy } from '../render/audit-policy.ts';
import { renderAdmissionConfig, renderEventRateLimitConfig } from '../render/admission-config.ts';

const cp: ControlPlaneInput = {
  binDir: '/d/bin',
  tlsDir: '/d/server/tls',
  credDir: '/d/server/cred',
  etcdDataDir: '/d/server/db/etcd',
  logsDir: '/d/agent/logs',
  nodeName: 's1',
  nodeIp: '10.0.0.11',
  advertiseAddress: '10.0.0.11',
  bindAddress: '0.0.0.0',
  httpsPort: 6443,
  etcdClientPort: 2379,
  etcdPeerPort: 2380,
  clusterCidr: '10.42.0.0/16',
  serviceCidr: '10.43.0.0/16',
  serviceNodePortRange: '30000-32767',
  clusterDomain: 'cluster.local',
  etcdTiming: 'single',
  extraArgs: { etcd: [], 'kube-apiserver': [], 'kube-controller-manager': [], 'kube-scheduler': [], 'helm-controller': [] },
};
const node: NodeInput = {
  binDir: '/d/bin',
  logsDir: '/d/agent/logs',
  nodeName: 's1',
  nodeIp: '10.0.0.11',
  containerdConfig: '/d/agent/etc/containerd/config.toml',
  kubeletConfig: '/d/agent/etc/kubelet.conf.d/00-rfo-defaults.conf',
  kubeletKubeconfig: '/d/agent/kubelet.kubeconfig',
  kubeProxyKubeconfig: '/d/agent/kubeproxy.kubeconfig',
  flannelKubeconfig: '/d/agent/flannel.kubeconfig',
  kubeletRootDir: '/var/lib/kubelet',
  flannelNetConf: '/d/agent/etc/flannel/net-conf.json',
  flannelSubnetFile: '/run/rfo/flannel/subnet.env',
  clusterCidr: '10.42.0.0/16',
  nodeLabels: [],
  nodeTaints: [],
  extraArgs: { kubelet: [], 'kube-proxy': [] },
};
const hardening = { admissionConfigFile: '/a.yaml', auditPolicyFile: '/p.yaml', auditLogPath: '/d/agent/logs/audit.log', etcdUser: { uid: 998, gid: 997 }, etcdTlsFiles: [] };

const f = (path: string, mode: number, owner = 'root:root'): FileFact => ({ path, mode, owner, isDir: false });

/** What the collector would read on a server rfo planned: the planned command lines, files with the modes rfo writes, rendered configs. */
function serverFacts(cis: boolean): CisFacts {
  const c = cis ? { ...cp, hardening } : cp;
  const specs = [planEtcd(c), planApiserver(c), planControllerManager(c), planScheduler(c), planKubelet(node), planKubeProxy(node)];
  const processes: Partial<Record<Component, CisFacts['processes'][Component]>> = {};
  for (const s of specs) processes[s.name as Component] = { pid: 1, user: s.runAs ? 'etcd' : 'root', flags: parseProcessFlags([s.binary, ...s.args]) };
  const crt = cis ? 0o600 : 0o644;
  const files: Partial<Record<FileSet, readonly FileFact[]>> = {
    'cni-files': [f('/etc/cni/net.d/10-rfo.conflist', crt)],
    'etcd-data-dir': [{ ...f('/d/server/db/etcd', 0o700, cis ? 'etcd:etcd' : 'root:root'), isDir: true }],
    'admin-kubeconfig': [f('/d/server/cred/admin.kubeconfig', 0o600)],
    'scheduler-kubeconfig': [f('/d/server/cred/scheduler.kubeconfig', 0o600)],
    'controller-kubeconfig': [f('/d/server/cred/controller.kubeconfig', 0o600)],
    'pki-dir': [{ ...f('/d/server/tls', 0o755), isDir: true }, f('/d/server/tls/server-ca.crt', crt), f('/d/server/tls/server-ca.key', 0o600)],
    'pki-certs': [f('/d/server/tls/server-ca.crt', crt)],
    'pki-keys': [f('/d/server/tls/server-ca.key', 0o600), f('/d/server/tls/etcd/server-client.key', 0o600, cis ? 'etcd:etcd' : 'root:root')],
    'kubeproxy-kubeconfig': [f('/d/agent/kubeproxy.kubeconfig', 0o600)],
    'kubelet-kubeconfig': [f('/d/agent/kubelet.kubeconfig', 0o600)],
    'kubelet-client-ca': [f('/d/server/tls/client-ca.crt', crt)],
    'kubelet-config': [f('/d/agent/etc/kubelet.conf.d/00-rfo-defaults.conf', crt)],
  };
  const kubeletDoc = parse(
    renderKubeletConfig({ address: '0.0.0.0', clientCaFile: '/d/server/tls/client-ca.crt', tlsCertFile: '/x.crt', tlsKeyFile: '/x.key', clusterDns: '10.43.0.10', clusterDomain: 'cluster.local', containerdSocket: '/run/c.sock', resolvConf: '/etc/resolv.conf', cgroupDriver: 'systemd', cgroupV1: false, podLogDir: '/var/log/pods', ...(cis ? { hardened: true } : {}) }),
  ) as unknown;
  const admission = cis ? (parse(renderAdmissionConfig('/erl.yaml')) as { plugins: { name: string; configuration?: unknown }[] }) : undefined;
  for (const p of admission?.plugins ?? []) if (p.name === 'EventRateLimit') p.configuration = parse(renderEventRateLimitConfig()) as unknown;
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name) => ({ name, labels: {} }));
  return {
    role: 'server',
    processes,
    files,
    // a lab's drop-in over rfo's defaults, merged as kubelet does
    kubeletConfig: mergeKubeletConfigs([kubeletDoc, { cgroupRoot: '/lab-s1' }]),
    docs: {
      encryptionConfig: { kind: 'EncryptionConfiguration', resources: [{ resources: ['secrets'], providers: [{ aescbc: {} }, { identity: {} }] }] },
      ...(cis ? { auditPolicy: parse(renderAuditPolicy()) as unknown, admissionConfig: admission } : {}),
      etcdCa: 'ETCD CA',
      clientCa: 'CLIENT CA',
    },
    api: {
      namespaces,
      networkPolicyNamespaces: cis ? ['default', 'kube-system', 'kube-public'] : [],
      defaultServiceAccounts: namespaces.map((n) => ({ namespace: n.name, automount: cis ? false : undefined })),
      daemonSets: [],
      defaultNamespaceObjects: [],
    },
  };
}

const failing = (facts: CisFacts) => evaluateCis(cisChecks, facts).filter((r) => r.status === 'FAIL').map((r) => r.check.id);

test('the checks are well-formed: unique ids in benchmark order, every applicable one has a remediation', () => {
  const ids = cisChecks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  const key = (id: string) => id.split('.').map((n) => n.padStart(3, '0')).join('.');
  assert.deepEqual([...ids].sort((a, b) => key(a).localeCompare(key(b))), ids);
  for (const c of cisChecks) if (c.audit.kind !== 'na') assert.ok(c.remediation, c.id);
  const perSection = (p: string) => cisChecks.filter((c) => c.id.startsWith(`${p}.`)).length;
  assert.deepEqual([perSection('1'), perSection('2'), perSection('3'), perSection('4'), perSection('5')], [60, 7, 5, 25, 34]);
});

test('a server planned with profile: cis passes every scored check', () => {
  assert.deepEqual(failing(serverFacts(true)), []);
  const t = totals(evaluateCis(cisChecks, serverFacts(true)));
  assert.equal(t.pass + t.warn + t.info + t.fail, cisChecks.length);
});

test("the default profile fails the checks README lists: the audit log, ciphers, token expiry, world-readable CA and kubelet config", () => {
  assert.deepEqual(failing(serverFacts(false)), ['1.2.16', '1.2.17', '1.2.18', '1.2.19', '1.2.29', '1.2.30', '3.2.1', '4.1.7', '4.1.9']);
});

test('a key file made 0644 FAILs 1.1.21; a user arg that turns a default off FAILs its check', () => {
  const facts = serverFacts(true);
  const leaky = { ...facts, files: { ...facts.files, 'pki-keys': [f('/d/server/tls/client-admin.key', 0o644)] } };
  const r = evaluateCis(cisChecks, leaky).find((x) => x.check.id === '1.1.21');
  assert.equal(r?.status, 'FAIL');
  assert.equal(r?.actual, '0644 root:root /d/server/tls/client-admin.key');
  const api = { ...facts.processes['kube-apiserver'], pid: 1, user: 'root', flags: { ...facts.processes['kube-apiserver']?.flags, 'anonymous-auth': ['false', 'true'] } };
  assert.equal(evaluateCis(cisChecks, { ...facts, processes: { ...facts.processes, 'kube-apiserver': api } }).find((x) => x.check.id === '1.2.1')?.status, 'FAIL', 'the last value counts');
});

test('kube-bench statuses: scored failure FAIL, manual failure WARN, left to the operator WARN, not applicable INFO; a missing process fails its checks', () => {
  const facts = serverFacts(false);
  const byId = (id: string) => cisChecks.find((c) => c.id === id) as CisCheck;
  assert.equal(evaluateCheck(byId('1.2.16'), facts).status, 'FAIL');
  assert.equal(evaluateCheck(byId('1.2.9'), facts).status, 'WARN');
  assert.equal(evaluateCheck(byId('5.1.2'), facts).status, 'WARN');
  assert.equal(evaluateCheck(byId('1.1.1'), facts).status, 'INFO');
  const stopped = evaluateCheck(byId('1.2.1'), { ...facts, processes: {} });
  assert.deepEqual([stopped.status, stopped.actual], ['FAIL', 'kube-apiserver is not running']);
});

test('an agent answers the worker node section only, and with its kubelet as the collector found it', () => {
  assert.deepEqual(targetsFor('agent'), ['node']);
  const facts: CisFacts = { ...serverFacts(true), role: 'agent' };
  const results = evaluateCis(cisChecks, facts);
  assert.ok(results.every((r) => r.check.id.startsWith('4.')));
  assert.equal(results.length, 25);
  assert.equal(results.find((r) => r.check.id === '4.2.13')?.actual, 'podPidsLimit=4096');
  const flagged = { ...facts, processes: { ...facts.processes, kubelet: { pid: 1, user: 'root', flags: { ...facts.processes.kubelet?.flags, 'read-only-port': ['10255'] } } } };
  assert.equal(evaluateCis(cisChecks, flagged).find((r) => r.check.id === '4.2.4')?.status, 'FAIL', 'a kubelet-arg beats the config file');
});

test('value tests and command lines', () => {
  assert.ok(testValue({ op: 'has', value: 'Node' }, 'Node,RBAC'));
  assert.ok(!testValue({ op: 'has', value: 'Node' }, 'NodeRestriction'));
  assert.ok(testValue({ op: 'lacks', value: 'AlwaysAdmit' }, 'NodeRestriction'));
  assert.ok(testValue({ op: 'gte', value: 30 }, '30'));
  assert.ok(!testValue({ op: 'gte', value: 30 }, '7d'));
  assert.ok(!testValue({ op: 'within', values: ['A'] }, 'A,B'));
  assert.deepEqual(parseProcessFlags(['etcd', '--name=s1', '--debug', '--data-dir', '/x', '--name=s2']), { name: ['s1', 's2'], debug: ['true'], 'data-dir': ['/x'] });
  assert.deepEqual(mergeKubeletConfigs([{ a: { b: 1, c: 2 }, l: [1] }, { a: { c: 3 }, l: [2] }]), { a: { b: 1, c: 3 }, l: [2] });
});

test('the report: kube-bench text with totals, and its JSON shape', () => {
  const results = evaluateCis(cisChecks, serverFacts(false));
  const text = renderCisTable(results, { node: 's1', role: 'server' });
  assert.match(text, /^CIS Kubernetes Benchmark v2\.0 \(cis-2\.0\)/);
  assert.match(text, /^\[INFO\] 1 Control Plane Security Configuration$/m);
  assert.match(text, /^\[FAIL\] 1\.2\.16 Ensure that the --audit-log-path argument is set \(Automated\)$/m);
  assert.match(text, /^ {7}found: --audit-log-path \(not set\)$/m);
  assert.match(text, /^== Remediations master ==$/m);
  assert.match(text, /== Summary total ==\n\d+ checks PASS\n9 checks FAIL\n/);
  const json = JSON.parse(renderCisJson(results, { node: 's1', role: 'server' })) as { Controls: { node_type: string; tests: { results: { test_number: string; status: string; scored: boolean }[] }[] }[]; Totals: { total_fail: number } };
  assert.equal(json.Totals.total_fail, 9);
  assert.deepEqual(json.Controls.map((c) => c.node_type), ['master', 'etcd', 'controlplane', 'node', 'policies']);
  const r = json.Controls[0]?.tests.flatMap((t) => t.results).find((x) => x.test_number === '1.2.16');
  assert.deepEqual([r?.status, r?.scored], ['FAIL', true]);
});
