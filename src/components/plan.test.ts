import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planApiserver, planControllerManager, planEtcd, planScheduler } from './plan-control-plane.ts';
import { planFlannel, planKubelet, planKubeProxy, renderFlannelNetConf } from './plan-node.ts';

const cp = {
  binDir: '/d/bin',
  tlsDir: '/d/server/tls',
  credDir: '/d/server/cred',
  etcdDataDir: '/d/server/db/etcd',
  logsDir: '/d/agent/logs',
  nodeName: 'node1',
  nodeIp: '192.168.10.5',
  advertiseAddress: '192.168.10.5',
  bindAddress: '0.0.0.0',
  httpsPort: 6443,
  etcdClientPort: 2379,
  etcdPeerPort: 2380,
  clusterCidr: '10.42.0.0/16',
  serviceCidr: '10.43.0.0/16',
  serviceNodePortRange: '30000-32767',
  clusterDomain: 'cluster.local',
  etcdTiming: 'single' as const,
  extraArgs: { etcd: [], 'kube-apiserver': ['v=2', 'enable-admission-plugins=NodeRestriction,AlwaysPullImages'], 'kube-controller-manager': [], 'kube-scheduler': [], 'helm-controller': [] },
};
const has = (args: readonly string[], flag: string) => assert.ok(args.includes(flag), `missing ${flag} in\n${args.join('\n')}`);

test('etcd serves TLS on loopback and the node IP and forms a one-member cluster', () => {
  const e = planEtcd(cp);
  has(e.args, '--listen-client-urls=https://127.0.0.1:2379,https://192.168.10.5:2379');
  has(e.args, '--initial-cluster=node1=https://192.168.10.5:2380');
  has(e.args, '--client-cert-auth=true');
  has(e.args, '--data-dir=/d/server/db/etcd');
  assert.equal(e.binary, '/d/bin/etcd');
});

test('etcd on riscv64 is told it may run there (it exits at start otherwise); not on the arches etcd supports', () => {
  assert.equal(planEtcd({ ...cp, arch: 'riscv64' }).env?.ETCD_UNSUPPORTED_ARCH, 'riscv64');
  for (const arch of ['amd64', 'arm64', undefined]) assert.equal(planEtcd({ ...cp, ...(arch ? { arch } : {}) }).env?.ETCD_UNSUPPORTED_ARCH, undefined, String(arch));
  assert.equal(planEtcd({ ...cp, arch: 'riscv64' }).env?.GOGC, '25', 'the Go defaults stay');
});

test('a joining server starts etcd into the existing cluster with the member list from member add', () => {
  const e = planEtcd({ ...cp, etcdJoin: { initialCluster: 's1=https://10.0.0.1:2380,node1=https://192.168.10.5:2380' } });
  has(e.args, '--initial-cluster=s1=https://10.0.0.1:2380,node1=https://192.168.10.5:2380');
  has(e.args, '--initial-cluster-state=existing');
  has(planEtcd(cp).args, '--initial-cluster-state=new');
});

test("etcd's raft timing: short for the only member (its start waits up to one election timeout), K3s' tolerant values for a cluster", () => {
  has(planEtcd(cp).args, '--election-timeout=1000');
  has(planEtcd(cp).args, '--heartbeat-interval=100');
  has(planEtcd({ ...cp, etcdTiming: 'cluster' }).args, '--election-timeout=5000');
  has(planEtcd({ ...cp, etcdTiming: 'cluster' }).args, '--heartbeat-interval=500');
});

test('the apiserver uses etcd over TLS, RBAC and NodeRestriction, and user args win', () => {
  const a = planApiserver(cp);
  has(a.args, '--etcd-servers=https://127.0.0.1:2379');
  has(a.args, '--authorization-mode=Node,RBAC');
  has(a.args, '--secure-port=6443');
  has(a.args, '--service-cluster-ip-range=10.43.0.0/16');
  has(a.args, '--anonymous-auth=false');
  // kubelet serving certificates are checked against their own CA, which nothing else trusts
  has(a.args, `--kubelet-certificate-authority=${cp.tlsDir}/kubelet-ca.crt`);
  // Secrets at rest: the file rfo keeps, reloaded by kube-apiserver without a restart
  has(a.args, `--encryption-provider-config=${cp.credDir}/encryption-config.json`);
  has(a.args, '--encryption-provider-config-automatic-reload=true');
  // aggregated APIs (metrics.k8s.io) through the proxy client certificate, reached at their endpoints
  has(a.args, '--enable-aggregator-routing=true');
  has(a.args, `--proxy-client-cert-file=${cp.tlsDir}/client-auth-proxy.crt`);
  has(a.args, `--requestheader-client-ca-file=${cp.tlsDir}/request-header-ca.crt`);
  has(a.args, '--enable-admission-plugins=NodeRestriction,AlwaysPullImages');
  assert.equal(a.args.filter((x) => x.startsWith('--enable-admission-plugins=')).length, 1);
  assert.deepEqual(a.overridden, ['enable-admission-plugins']);
  has(a.args, '--v=2');
});

test('the controller manager allocates node pod CIDRs (flannel needs them); health ports stay on loopback', () => {
  const k = planControllerManager(cp);
  has(k.args, '--allocate-node-cidrs=true');
  has(k.args, '--cluster-cidr=10.42.0.0/16');
  has(k.args, '--bind-address=127.0.0.1');
  has(planScheduler(cp).args, '--bind-address=127.0.0.1');
});

test('the controller manager signs kubelet client certificates with client-ca and kubelet serving certificates with kubelet-ca, for a year', () => {
  const k = planControllerManager(cp);
  // client-ca alone: client-ca.crt becomes a bundle at rotate-ca, which the CSR signer refuses
  has(k.args, '--cluster-signing-kubelet-client-cert-file=/d/server/tls/client-ca.nochain.crt');
  has(k.args, '--cluster-signing-kube-apiserver-client-cert-file=/d/server/tls/client-ca.nochain.crt');
  has(k.args, '--cluster-signing-kubelet-client-key-file=/d/server/tls/client-ca.key');
  has(k.args, '--cluster-signing-kubelet-serving-cert-file=/d/server/tls/kubelet-ca.crt');
  has(k.args, '--cluster-signing-kubelet-serving-key-file=/d/server/tls/kubelet-ca.key');
  has(k.args, '--cluster-signing-duration=8760h');
  // kube-controller-manager refuses the generic pair beside per-signer files
  assert.ok(!k.args.some((a) => a.startsWith('--cluster-signing-cert-file=') || a.startsWith('--cluster-signing-key-file=')));
  // nothing else signs with kubelet-ca
  assert.equal(k.args.filter((a) => a.includes('kubelet-ca')).length, 2);
});

const node = {
  binDir: '/d/bin',
  logsDir: '/d/agent/logs',
  nodeName: 'node1',
  nodeIp: '192.168.10.5',
  containerdConfig: '/d/agent/etc/containerd/config.toml',
  kubeletConfig: '/d/agent/etc/kubelet.conf.d/00-rfo-defaults.conf',
  kubeletKubeconfig: '/d/agent/kubelet.kubeconfig',
  kubeProxyKubeconfig: '/d/agent/kubeproxy.kubeconfig',
  flannelKubeconfig: '/d/agent/flannel.kubeconfig',
  kubeletRootDir: '/var/lib/kubelet',
  flannelNetConf: '/d/agent/etc/flannel/net-conf.json',
  flannelSubnetFile: '/run/rfo/flannel/subnet.env',
  clusterCidr: '10.42.0.0/16',
  nodeLabels: ['role=db', 'zone=a'],
  nodeTaints: ['dedicated=db:NoSchedule'],
  extraArgs: { kubelet: ['max-pods=50'], 'kube-proxy': [] },
};

test('kubelet registers with the node name, IP, labels and taints', () => {
  const k = planKubelet(node);
  has(k.args, '--hostname-override=node1');
  has(k.args, '--node-ip=192.168.10.5');
  has(k.args, '--node-labels=role=db,zone=a');
  has(k.args, '--register-with-taints=dedicated=db:NoSchedule');
  has(k.args, '--max-pods=50');
  // drop-ins next to the defaults file are merged by kubelet itself
  has(k.args, '--config-dir=/d/agent/etc/kubelet.conf.d');
  // rotated certificates stay in this kubelet's own root dir, not the host-wide /var/lib/kubelet/pki
  has(k.args, '--cert-dir=/var/lib/kubelet/pki');
  has(planKubelet({ ...node, kubeletRootDir: '/d/kubelet' }).args, '--cert-dir=/d/kubelet/pki');
  assert.ok(!k.args.some((a) => a.startsWith('--config=')), 'no --config: the defaults are one drop-in among others');
});

test('kube-proxy leaves host conntrack sysctls alone; flannel uses the kube subnet manager over VXLAN', () => {
  has(planKubeProxy(node).args, '--conntrack-max-per-core=0');
  const f = planFlannel(node);
  has(f.args, '--kube-subnet-mgr');
  has(f.args, '--iface=192.168.10.5');
  assert.equal(f.env.NODE_NAME, 'node1');
  assert.deepEqual(JSON.parse(renderFlannelNetConf('10.42.0.0/16')), { Network: '10.42.0.0/16', EnableIPv4: true, Backend: { Type: 'vxlan' } });
});

test('profile: cis — apiserver admission, audit log, ciphers and token expiry; controller-manager GC threshold; etcd as the etcd user owning its files; none of it by default', () => {
  const hardening = {
    admissionConfigFile: '/d/server/etc/admission-config.yaml',
    auditPolicyFile: '/d/server/etc/audit-policy.yaml',
    auditLogPath: '/d/agent/logs/audit.log',
    etcdUser: { uid: 998, gid: 997 },
    etcdTlsFiles: ['/d/server/tls/etcd/server-client.key'],
  };
  const cis = { ...cp, extraArgs: { ...cp.extraArgs, 'kube-apiserver': [] }, hardening };
  const a = planApiserver(cis).args;
  has(a, '--enable-admission-plugins=NodeRestriction,EventRateLimit,DenyServiceExternalIPs');
  has(a, '--admission-control-config-file=/d/server/etc/admission-config.yaml');
  has(a, '--audit-policy-file=/d/server/etc/audit-policy.yaml');
  has(a, '--audit-log-path=/d/agent/logs/audit.log');
  has(a, '--audit-log-maxage=30');
  has(a, '--audit-log-maxbackup=10');
  has(a, '--audit-log-maxsize=100');
  has(a, '--service-account-extend-token-expiration=false');
  has(a, '--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305');
  assert.ok(!a.some((x) => x.includes('AlwaysPullImages')), 'AlwaysPullImages stays off, as in RKE2');
  has(planControllerManager(cis).args, '--terminated-pod-gc-threshold=1000');
  const e = planEtcd(cis);
  assert.deepEqual(e.runAs, { uid: 998, gid: 997, owns: ['/d/server/db/etcd', '/d/server/tls/etcd/server-client.key'] });

  const plain = { ...cp, extraArgs: { ...cp.extraArgs, 'kube-apiserver': [] } };
  const d = planApiserver(plain).args;
  has(d, '--enable-admission-plugins=NodeRestriction');
  for (const flag of ['--admission-control-config-file', '--audit-', '--tls-cipher-suites', '--service-account-extend-token-expiration']) assert.ok(!d.some((x) => x.startsWith(flag)), flag);
  assert.ok(!planControllerManager(plain).args.some((x) => x.startsWith('--terminated-pod-gc-threshold')));
  assert.equal(planEtcd(plain).runAs, undefined);
  // a user's own admission plugin list still wins under the profile
  has(planApiserver({ ...cis, extraArgs: cp.extraArgs }).args, '--enable-admission-plugins=NodeRestriction,AlwaysPullImages');
});

test('every Go component starts with GOGC=25; <component>-extra-env overrides it for that component only', () => {
  assert.equal(planEtcd(cp).env.GOGC, '25');
  assert.equal(planApiserver(cp).env.GOGC, '25');
  assert.equal(planKubelet(node).env.GOGC, '25');
  assert.equal(planFlannel(node).env.GOGC, '25');
  assert.equal(planFlannel(node).env.NODE_NAME, node.nodeName);
  const tuned = { ...cp, extraEnv: { 'kube-apiserver': ['GOGC=100', 'GOMEMLIMIT=512MiB'] } };
  assert.deepEqual(planApiserver(tuned).env, { GOGC: '100', GOMEMLIMIT: '512MiB' });
  assert.equal(planScheduler(tuned).env.GOGC, '25');
  assert.equal(planControllerManager(tuned).env.GOGC, '25');
  assert.deepEqual(planKubeProxy({ ...node, extraEnv: { 'kube-proxy': ['HTTPS_PROXY=http://proxy:3128'] } }).env, { GOGC: '25', HTTPS_PROXY: 'http://proxy:3128' });
});
