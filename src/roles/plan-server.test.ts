import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../config/resolve-config.ts';
import { settingsFrom } from './prepare-node.ts';
import type { HostFacts } from '../host/host-facts.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { planServer } from './plan-server.ts';
import { resolveServerSettings } from './resolve-server-settings.ts';
import { renderNodePlan } from './render-plan.ts';
import { planStartOrder } from '../lifecycle/plan-start-order.ts';
import { serverComponents } from './server-components.ts';
import type { NodeSetup } from './node-setup.ts';

const facts: HostFacts = { hostname: 'n1', defaultIp: '10.0.0.5', cgroupV1: true, systemdPid1: false, swapOn: false, ipForward: true, isRoot: true, canLowerOomScore: true };
const manifest = {
  key: 'k1',
  rfoVersion: 'v1.36.3+rfor1',
  kubernetesVersion: 'v1.36.3',
  artifacts: [
    { kind: 'image', name: 'example.org/pause:1', component: 'pause' },
    { kind: 'image', name: 'example.org/coredns:2', component: 'coredns' },
    { kind: 'image', name: 'example.org/klipper-helm:4', component: 'helm' },
    { kind: 'image', name: 'example.org/kube-router:5', component: 'kube-router' },
    { kind: 'chart', name: 'rfo-coredns', component: 'coredns', path: 'charts/rfo-coredns.tgz' },
    { kind: 'chart', name: 'rfo-network-policy', component: 'kube-router', path: 'charts/rfo-network-policy.tgz' },
    { kind: 'image', name: 'example.org/traefik:3', component: 'traefik' },
    { kind: 'chart', name: 'rfo-traefik', component: 'traefik', path: 'charts/rfo-traefik.tgz' },
    { kind: 'chart', name: 'rfo-gateway-api-crds', component: 'gateway-api', path: 'charts/rfo-gateway-api-crds.tgz' },
  ],
} as unknown as RuntimeManifest;

function plan(args: string[], knownEtcdMembers?: number) {
  const r = resolveConfig({ command: 'server', files: [], env: {}, args: ['--data-dir', '/d', '--run-dir', '/r', ...args] });
  assert.ok(r.ok);
  const s = settingsFrom(r.options.values, facts);
  const config = resolveServerSettings(s.values, s.nodeIp);
  const p = planServer({ s, config, manifest, ...(knownEtcdMembers ? { knownEtcdMembers } : {}) });
  const setup = { paths: s.paths, facts, node: p.node, flannel: config.flannel, stagedRuntime: '/d/data/k1', sandboxImage: p.images.sandbox } as unknown as NodeSetup;
  const stages = planStartOrder(serverComponents.declare({ s, config, plan: p, setup, log: () => undefined }));
  assert.ok(stages.ok);
  return { s, config, p, stages: stages.stages };
}

test('settings are typed once: ports, CIDRs, extra args, disable and cni', () => {
  const { config } = plan(['--https-listen-port', '7443', '--disable', 'rfo-coredns', '--cni', 'none', '--kube-apiserver-arg', 'v=4', '--advertise-address', '10.9.9.9']);
  assert.equal(config.httpsPort, 7443);
  assert.equal(config.supervisorPort, 9345);
  assert.equal(config.clusterCidr, '10.42.0.0/16');
  assert.equal(config.advertiseAddress, '10.9.9.9');
  // cni: none takes the network policy add-on with flannel: a CNI of the user's brings its own policy.
  assert.deepEqual([...config.disabled], ['rfo-coredns', 'rfo-network-policy']);
  assert.equal(config.flannel, false);
  assert.equal(config.networkPolicy, 'none');
  assert.deepEqual(config.extraArgs['kube-apiserver'], ['v=4']);
  assert.equal(config.helmController, true);
  assert.equal(plan(['--disable-helm-controller']).config.helmController, false);
  assert.equal(plan([]).config.advertiseAddress, '10.0.0.5', 'advertise-address defaults to the node IP');
});

test('the plan holds every process with its real command line, the runtime manifest\'s images, and the files it writes', () => {
  const { p } = plan(['--https-listen-port', '7443']);
  assert.deepEqual(p.processes.map((x) => x.name), ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'helm-controller', 'containerd', 'kubelet', 'kube-proxy', 'flanneld']);
  assert.ok(p.processes.find((x) => x.name === 'kube-apiserver')?.args.includes('--secure-port=7443'));
  assert.deepEqual(p.images, { sandbox: 'example.org/pause:1', coredns: 'example.org/coredns:2', helmJob: 'example.org/klipper-helm:4' });
  // helm-controller: its own kubeconfig, our job image, user args last
  assert.deepEqual(p.processes.find((x) => x.name === 'helm-controller')?.args, ['--kubeconfig=/d/server/cred/helm-controller.kubeconfig', '--default-job-image=example.org/klipper-helm:4', '--node-name=n1']);
  assert.equal(p.charts['rfo-coredns'], '/d/data/k1/charts/rfo-coredns.tgz');
  assert.ok(p.files.includes('/d/server/manifests/rfo-coredns.yaml'));
  assert.ok(p.files.includes('/d/server/token'));
  assert.ok(p.certificates.some((c) => c.id === 'server-ca'));
  assert.deepEqual(p.ports.map(([port]) => port), [7443, 9345, 2379, 2380, 10250]);
  assert.deepEqual(p.addons, { deploy: ['rfo-coredns', 'rfo-network-policy', 'rfo-gateway-api-crds', 'rfo-traefik'], remove: [] });
  assert.deepEqual(p.addonCharts, [{ name: 'rfo-network-policy', phase: 'with-dns', chart: '/d/data/k1/charts/rfo-network-policy.tgz', images: { image: 'example.org/kube-router:5' } }]);
  assert.ok(p.files.includes('/d/server/manifests/rfo-network-policy.yaml'));
});

test('network-policy: kube-router by default; none or disable removes the add-on and needs no image of it', () => {
  assert.equal(plan([]).config.networkPolicy, 'kube-router');
  for (const args of [['--network-policy', 'none'], ['--disable', 'rfo-network-policy']]) {
    const { config, p, stages } = plan(args);
    assert.equal(config.networkPolicy, 'none', args.join(' '));
    assert.deepEqual(p.addons, { deploy: ['rfo-coredns', 'rfo-gateway-api-crds', 'rfo-traefik'], remove: ['rfo-network-policy'] });
    assert.deepEqual(p.addonCharts, []);
    assert.ok(!stages.flat().includes('addon-charts'));
    assert.ok(!p.warnings.some((w) => /rfo-network-policy/.test(w)), 'a known add-on');
  }
  const { stages } = plan([]);
  const stageOf = (n: string) => stages.findIndex((s) => s.includes(n));
  assert.ok(stageOf('addon-charts') > stageOf('addons') && stageOf('addon-charts') > stageOf('node-ready'), 'written with the other add-on charts once the node is Ready');
});

test('a runtime without the network policy image (riscv64: Debian 12 has no iptables for it) runs without the add-on and warns that policies are not enforced', () => {
  const r = resolveConfig({ command: 'server', files: [], env: {}, args: ['--data-dir', '/d', '--run-dir', '/r'] });
  assert.ok(r.ok);
  const s = settingsFrom(r.options.values, facts);
  const config = resolveServerSettings(s.values, s.nodeIp);
  const without = { ...manifest, artifacts: manifest.artifacts.filter((a) => !('component' in a) || a.component !== 'kube-router') } as RuntimeManifest;
  const p = planServer({ s, config, manifest: without });
  assert.deepEqual(p.addons, { deploy: ['rfo-coredns', 'rfo-gateway-api-crds', 'rfo-traefik'], remove: [] });
  assert.deepEqual(p.addonCharts, []);
  assert.ok(p.warnings.some((w) => /^network-policy: .*NetworkPolicies are NOT enforced/.test(w)));
  // acknowledged: no warning
  const none = resolveServerSettings({ ...s.values, 'network-policy': 'none' }, s.nodeIp);
  assert.ok(!planServer({ s, config: none, manifest: without }).warnings.some((w) => /network-policy/.test(w)));
});

test('kube-network-policies is refused with the reason (the nftables queue verdict)', () => {
  const r = resolveConfig({ command: 'server', files: [], env: {}, args: ['--network-policy', 'kube-network-policies'] });
  assert.ok(!r.ok);
  assert.match(JSON.stringify(r.issues), /CONFIG_NFT_QUEUE/);
});

test('ingress: the Gateway API CRD chart, then rfo-traefik in the background; ingress-controller: none and disable remove them', () => {
  const { p, config, stages } = plan([]);
  assert.equal(config.ingressController, 'traefik');
  assert.ok(p.files.includes('/d/server/manifests/rfo-traefik.yaml'));
  assert.ok(p.files.includes('/d/server/manifests/rfo-gateway-api-crds.yaml'));
  assert.equal(p.ingress.traefik?.image, 'example.org/traefik:3');
  const names = stages.flat();
  assert.ok(names.indexOf('gateway-api-crds-manifest') < names.indexOf('traefik-manifest'));
  assert.ok(names.indexOf('node-ready') < names.indexOf('gateway-api-crds-manifest'));
  // Not beside CoreDNS's job: the CRDs' OpenAPI rebuild held the cold start back by seconds.
  assert.ok(names.indexOf('coredns') < names.indexOf('gateway-api-crds-manifest'), 'after CoreDNS answers');

  const none = plan(['--ingress-controller', 'none']);
  assert.equal(none.config.ingressController, 'none');
  assert.deepEqual(none.p.addons, { deploy: ['rfo-coredns', 'rfo-network-policy', 'rfo-gateway-api-crds'], remove: ['rfo-traefik'] });
  assert.ok(!none.stages.flat().includes('traefik-manifest'));
  assert.ok(!none.p.files.some((f) => f.endsWith('rfo-traefik.yaml')));

  const off = plan(['--disable', 'rfo-traefik,rfo-gateway-api-crds']);
  assert.deepEqual(off.p.addons.remove, ['rfo-gateway-api-crds', 'rfo-traefik']);
  assert.ok(!off.stages.flat().some((n) => n === 'traefik-manifest' || n === 'gateway-api-crds-manifest'));
  assert.ok(!off.p.warnings.some((w) => /is not a packaged component/.test(w)));
});

test('ingress-controller: ingress-nginx is refused before anything is planned', () => {
  const r = resolveConfig({ command: 'server', files: [{ path: '/etc/rancher/rfo/config.yaml', text: 'ingress-controller: ingress-nginx\n' }], env: {}, args: [] });
  assert.ok(!r.ok);
  assert.equal(r.issues[0]?.key, 'ingress-controller');
  assert.equal(r.issues[0]?.source, '/etc/rancher/rfo/config.yaml');
  assert.match(r.issues[0]?.message ?? '', /retired upstream/);
  const env = resolveConfig({ command: 'server', files: [], env: { RFO_INGRESS_CONTROLLER: 'traefik,ingress-nginx' }, args: [] });
  assert.ok(!env.ok, 'RKE2 1.37 dual mode is refused too: rfo ships no ingress-nginx');
});

test('cni: none drops flanneld and its steps; disable moves an add-on to remove; an unknown name is a warning', () => {
  const { p, stages } = plan(['--cni', 'none', '--disable', 'rfo-coredns,traefik']);
  assert.ok(!p.processes.some((x) => x.name === 'flanneld'));
  assert.deepEqual(p.addons, { deploy: ['rfo-gateway-api-crds', 'rfo-traefik'], remove: ['rfo-coredns', 'rfo-network-policy'] });
  assert.ok(!p.files.some((f) => f.endsWith('rfo-coredns.yaml')));
  assert.ok(p.warnings.some((w) => /traefik is not a packaged component/.test(w)));
  const names = stages.flat();
  for (const gone of ['flanneld', 'pod-cidr', 'cni-config', 'flannel-rbac', 'coredns', 'node-ready']) assert.ok(!names.includes(gone), gone);
  assert.ok(names.includes('node-registered'));
});

test('disable-helm-controller: no controller, no RBAC for it, the add-ons do not wait for it, and nothing waits for CoreDNS', () => {
  const { p, stages } = plan(['--disable-helm-controller']);
  assert.ok(!p.processes.some((x) => x.name === 'helm-controller'));
  const names = stages.flat();
  for (const gone of ['helm-controller', 'helm-controller-rbac', 'coredns']) assert.ok(!names.includes(gone), gone);
  assert.ok(names.includes('coredns-manifest') && names.includes('addons'));
  assert.ok(p.warnings.some((w) => /disable-helm-controller/.test(w)));
});

test('start stages: containerd and etcd first, in parallel; kubelet after the images and the apiserver; flanneld after the pod CIDR', () => {
  const { stages } = plan([]);
  assert.ok(stages.findIndex((s) => s.includes('addons')) > stages.findIndex((s) => s.includes('helm-controller')), 'HelmCharts in server/manifests apply once the CRDs are served');
  const stageOf = (n: string) => stages.findIndex((s) => s.includes(n));
  assert.deepEqual(stages[0], ['etcd', 'containerd']);
  assert.ok(stageOf('kubelet') > stageOf('kube-apiserver') && stageOf('kubelet') > stageOf('images'));
  assert.ok(stageOf('flanneld') > stageOf('pod-cidr') && stageOf('pod-cidr') > stageOf('kubelet'));
  assert.ok(stageOf('coredns') > stageOf('node-ready'));
  // After CoreDNS answers, only the add-ons nothing waits for.
  const later = stages.slice(stageOf('coredns') + 1).flat();
  assert.ok(later.includes('gateway-api-crds-manifest'));
  for (const n of later) assert.ok(['addon-charts-after-dns', 'gateway-api-crds-manifest', 'traefik-manifest'].includes(n), n);
});

test('the dry-run text names the stages, command lines, files and certificates', () => {
  const { s, p, stages } = plan(['--disable', 'rfo-coredns']);
  const text = renderNodePlan({ role: 'server', nodeName: s.nodeName, nodeIp: s.nodeIp, runtime: { dir: '/rt', manifest }, facts, stages, processes: p.processes, files: p.files, certificates: p.certificates, certificatesDir: '/d/server/tls', addons: p.addons, warnings: p.warnings });
  assert.match(text, /^rfo server --dry-run: nothing was started or written\n/);
  assert.match(text, /\n {2}1\. etcd, containerd\n/);
  assert.match(text, /\n {2}kube-scheduler: \/d\/bin\/kube-scheduler --kubeconfig=\/d\/server\/cred\/scheduler\.kubeconfig /);
  assert.match(text, /'--controllers=\*,tokencleaner'/, 'arguments a shell would expand are quoted');
  assert.match(text, /remove \(disabled\): rfo-coredns/);
  assert.match(text, /server-ca\.crt {2}CA, CN=rfo-server-ca/);
  assert.match(text, /cgroup v1 \(kubelet gets failCgroupV1: false\), cgroup driver cgroupfs/);
});

test("etcd's timing: short while this server's etcd is (or was last seen as) the only member; K3s' values when it joins or had peers", () => {
  const flag = (p: ReturnType<typeof plan>['p']) => p.processes.find((x) => x.name === 'etcd')?.args.find((a) => a.startsWith('--election-timeout='));
  assert.equal(flag(plan([]).p), '--election-timeout=1000', 'a new cluster');
  assert.equal(flag(plan([], 1).p), '--election-timeout=1000', 'a one-member cluster restarting');
  assert.equal(flag(plan([], 3).p), '--election-timeout=5000', 'the first server after others joined');
  assert.equal(flag(plan(['--server', 'https://10.0.0.1:9345', '--token', 'K10abc::server:x']).p), '--election-timeout=5000', 'a joining server');
});

test('profile: cis plans the admission and audit files and etcd as the etcd user; a bad profile is refused; the default plan has none of it', () => {
  const { config, p } = plan(['--profile', 'cis']);
  assert.equal(config.profile, 'cis');
  for (const f of ['/d/server/etc/admission-config.yaml', '/d/server/etc/event-rate-limit.yaml', '/d/server/etc/audit-policy.yaml']) assert.ok(p.files.includes(f), f);
  assert.equal(p.controlPlane.hardening?.auditLogPath, '/d/agent/logs/audit.log');
  assert.equal(p.processes.find((x) => x.name === 'etcd')?.runAs, undefined, 'no etcd account known (a dry run on an unprepared host, which server.ts reports)');
  const withUser = planServer({ s: plan([]).s, config, manifest, etcdUser: { uid: 5, gid: 6 } });
  assert.deepEqual(withUser.processes.find((x) => x.name === 'etcd')?.runAs?.uid, 5);
  assert.ok(plan(['--profile', 'cis']).stages.flat().includes('cis-policies'));

  const d = plan([]);
  assert.equal(d.config.profile, '');
  assert.equal(d.p.controlPlane.hardening, undefined);
  assert.ok(!d.p.files.some((f) => f.includes('audit-policy')));
  assert.ok(!d.stages.flat().includes('cis-policies'));
  const bad = resolveConfig({ command: 'server', files: [], env: {}, args: ['--profile', 'cis-1.23'] });
  assert.ok(!bad.ok);
  assert.match(JSON.stringify(bad.issues), /not a profile \(valid items: cis\)/);
});

const withAddons = {
  ...manifest,
  artifacts: [
    ...manifest.artifacts,
    { kind: 'image', name: 'example.org/metrics-server:v1', component: 'metrics-server' },
    { kind: 'image', name: 'example.org/local-path-provisioner:v2', component: 'local-path-provisioner' },
    { kind: 'image', name: 'example.org/busybox:3', component: 'busybox' },
    { kind: 'chart', name: 'rfo-metrics-server', component: 'metrics-server', path: 'charts/rfo-metrics-server.tgz' },
    { kind: 'chart', name: 'rfo-local-path', component: 'local-path-provisioner', path: 'charts/rfo-local-path.tgz' },
  ],
} as unknown as RuntimeManifest;

function planWith(args: string[]) {
  const r = resolveConfig({ command: 'server', files: [], env: {}, args: ['--data-dir', '/d', '--run-dir', '/r', ...args] });
  assert.ok(r.ok);
  const s = settingsFrom(r.options.values, facts);
  const config = resolveServerSettings(s.values, s.nodeIp);
  const p = planServer({ s, config, manifest: withAddons });
  const setup = { paths: s.paths, facts, node: p.node, flannel: config.flannel, stagedRuntime: '/d/data/k1', sandboxImage: p.images.sandbox } as unknown as NodeSetup;
  const stages = planStartOrder(serverComponents.declare({ s, config, plan: p, setup, log: () => undefined }));
  assert.ok(stages.ok);
  return { p, stages: stages.stages };
}

test('metrics-server and local-path are deployed by default as charts of the runtime, written once the node is Ready', () => {
  const { p, stages } = planWith([]);
  assert.deepEqual(p.addons, { deploy: ['rfo-coredns', 'rfo-network-policy', 'rfo-metrics-server', 'rfo-local-path', 'rfo-gateway-api-crds', 'rfo-traefik'], remove: [] });
  assert.deepEqual(p.addonCharts.map((a) => [a.name, a.chart]), [
    ['rfo-network-policy', '/d/data/k1/charts/rfo-network-policy.tgz'],
    ['rfo-metrics-server', '/d/data/k1/charts/rfo-metrics-server.tgz'],
    ['rfo-local-path', '/d/data/k1/charts/rfo-local-path.tgz'],
  ]);
  assert.equal(p.storagePath, '/d/storage', 'volumes live under the data dir');
  assert.ok(p.files.includes('/d/server/manifests/rfo-metrics-server.yaml') && p.files.includes('/d/server/manifests/rfo-local-path.yaml'));
  const stageOf = (n: string) => stages.findIndex((s) => s.includes(n));
  assert.deepEqual(p.addonCharts.map((a) => [a.name, a.phase]), [['rfo-network-policy', 'with-dns'], ['rfo-metrics-server', 'after-dns'], ['rfo-local-path', 'after-dns']]);
  // The policy engine with CoreDNS at node Ready (no pod runs unpoliced); the rest once CoreDNS answers.
  assert.ok(stageOf('addon-charts') > stageOf('node-ready') && stageOf('addon-charts') > stageOf('addons'));
  assert.ok(stageOf('addon-charts') <= stageOf('coredns'), 'network policy is not held back by CoreDNS');
  assert.ok(stageOf('addon-charts-after-dns') > stageOf('coredns'), 'metrics-server and local-path wait for CoreDNS to answer');
  // Without CoreDNS nothing waits for DNS: they follow the node Ready.
  const noDns = planWith(['--disable', 'rfo-coredns']);
  const noDnsStage = (n: string) => noDns.stages.findIndex((s) => s.includes(n));
  assert.equal(noDnsStage('coredns'), -1);
  assert.ok(noDnsStage('addon-charts-after-dns') > noDnsStage('node-ready'));
});

test('disable: [rfo-metrics-server, rfo-local-path] removes them and writes no chart for them', () => {
  const { p, stages } = planWith(['--disable', 'rfo-metrics-server,rfo-local-path']);
  assert.deepEqual(p.addons, { deploy: ['rfo-coredns', 'rfo-network-policy', 'rfo-gateway-api-crds', 'rfo-traefik'], remove: ['rfo-metrics-server', 'rfo-local-path'] });
  assert.deepEqual(p.addonCharts.map((a) => a.name), ['rfo-network-policy']);
  assert.ok(stages.flat().includes('addon-charts'), 'still written: rfo-network-policy');
  assert.ok(!stages.flat().includes('addon-charts-after-dns'), 'nothing left to write after DNS');
  assert.ok(!p.warnings.some((w) => /not a packaged component/.test(w)));
});
