// What a server runs, in the order the manager may start it:
//
//   etcd → secrets-encryption → kube-apiserver ─┬→ node-password → server-watcher
//                          ├→ kube-controller-manager, kube-scheduler
//                          ├→ flannel-rbac (flannel only)
//                          ├→ helm-controller-rbac → helm-controller (its CRDs Established)
//                          └→ addons (server/manifests through the add-on deployer; after helm-controller)
//   node part (node-components.ts): containerd → images, kubelet, kube-proxy,
//                          pod-cidr → flanneld → cni-config
//   node-ready (or node-registered with cni: none) → coredns-manifest (the rfo-coredns HelmChart) → coredns
//                                                   → addon-charts (rfo-network-policy, rfo-metrics-server, rfo-local-path HelmCharts)
//                          → gateway-api-crds-manifest → traefik-manifest (in the background: the
//                            rfo-traefik HelmChart once the Gateway API CRDs are Established)
//
// Building the list starts nothing: every component acts only when the
// manager calls it, so `--dry-run` builds the same list to print its stages.

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { planEtcd } from '../components/plan-control-plane.ts';
import type { ProcessSpec } from '../supervisor/process-spec.ts';
import { parseManifestFile } from '../addons/parse-manifest-file.ts';
import { startAddonDeployer } from '../addons/addon-deployer.ts';
import type { AddonDeployer } from '../addons/addon-deployer.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { processComponent, loopComponent, stepComponent } from '../lifecycle/kinds.ts';
import type { ProcessContext } from '../lifecycle/kinds.ts';
import type { Component } from '../lifecycle/manager.ts';
import type { ComponentDecl } from '../lifecycle/plan-start-order.ts';
import type { ServerSettings } from './prepare-node.ts';
import type { NodeSetup } from './node-setup.ts';
import { readFile } from 'node:fs/promises';
import { renderPackagedHelmChart } from '../render/helmchart-manifest.ts';
import { renderFlannelRbac } from '../render/flannel-rbac.ts';
import { renderHelmControllerRbac } from '../render/helm-controller-rbac.ts';
import { renderKubeletCsrRbac } from '../render/kubelet-csr-rbac.ts';
import { waitCrdEstablished } from '../kube/apply-crd.ts';
import { firstPodCidr } from '../kube/claim-pod-cidr.ts';
import { corednsImageValues } from '../charts/coredns-chart.ts';
import { addonChartValues } from '../addons/plan-addon-charts.ts';
import type { AddonChartPhase } from '../addons/plan-addon-charts.ts';
import type { ClusterBootstrap } from '../join/join-cluster.ts';
import { joinEtcd, promoteLearner } from '../join/join-cluster.ts';
import type { createJoinService } from '../join/join-service.ts';
import { dnsQuery, httpsGet, waitFor } from '../host/probes.ts';
import { watchServers } from '../join/watch-servers.ts';
import { startCsrApprover } from '../join/csr-approver.ts';
import { startCertRenewal } from './cert-renewal.ts';
import type { CertCheck } from './cert-renewal.ts';
import type { EtcdClient } from '../etcd/etcdctl.ts';
import type { EncryptionService } from '../secrets/encryption-service.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ServerPlan } from './plan-server.ts';
import type { ServerConfig } from './resolve-server-settings.ts';
import { nodeComponents, nodeReadyComponent } from './node-components.ts';
import { allowEtcdTraversal, applyCisPolicies } from './cis-profile.ts';
import { ingressComponents } from './ingress-components.ts';

export interface ServerContext {
  readonly s: ServerSettings;
  readonly config: ServerConfig;
  readonly plan: ServerPlan;
  readonly setup: NodeSetup;
  readonly proc: ProcessContext;
  readonly log: (message: string) => void;
  readonly elapsed: () => string;
  readonly adminClient: () => Promise<KubeClient>;
  readonly joinService: ReturnType<typeof createJoinService>;
  readonly etcdClient: EtcdClient;
  readonly encryption: EncryptionService;
  /** Set when this server joins an existing cluster. */
  readonly cluster?: ClusterBootstrap;
  readonly self: { readonly name: string; readonly password: string };
  /** The background certificate check (cert-renewal.ts): made when it starts, with the interval between checks. */
  readonly certRenewal: { readonly check: () => CertCheck; readonly intervalMs: number };
}

const specOf = (plan: ServerPlan, name: string): ProcessSpec => {
  const spec = plan.processes.find((p) => p.name === name);
  if (!spec) throw new RfoError('RFO_COMPONENT_FAILED', `no process ${name} in the server plan`, { hint: 'this is a bug in rfo' });
  return spec;
};

function build(c: ServerContext): Component[] {
  const { s, config, plan, proc, log } = c;
  const tlsDir = s.paths.server.tlsDir;
  const tls = (etcd: boolean) => ({
    caFile: join(tlsDir, etcd ? 'etcd/server-ca.crt' : 'server-ca.crt'),
    certFile: join(tlsDir, etcd ? 'etcd/client.crt' : 'client-admin.crt'),
    keyFile: join(tlsDir, etcd ? 'etcd/client.key' : 'client-admin.key'),
  });
  const peerUrl = `https://${s.nodeIp}:${plan.controlPlane.etcdPeerPort}`;
  const remote = c.cluster ? { ...c.etcdClient, endpoints: c.cluster.members.filter((m) => !m.isLearner).flatMap((m) => m.clientUrls) } : undefined;
  const disabled = config.disabled;

  const controlPlane: Component[] = [
    processComponent(specOf(plan, 'etcd'), proc, {
      init: async () => {
        await mkdir(s.paths.server.etcdDataDir, { recursive: true, mode: 0o700 });
        // profile: cis: etcd runs as the etcd user (the supervisor gives it its files at every start).
        if (config.profile === 'cis') await allowEtcdTraversal(s.paths);
      },
      // A joining server is added as a learner first; its etcd starts with the member list that returned.
      ...(c.cluster && remote
        ? { spec: async () => planEtcd({ ...plan.controlPlane, etcdJoin: { initialCluster: await joinEtcd(remote, c.cluster?.members ?? [], s.nodeName, peerUrl, log) } }) }
        : {}),
      ready: async (signal) => {
        await waitFor('etcd', async () => (await httpsGet('https://127.0.0.1:2379/health', tls(true))).body.includes('"health":"true"'), 120_000, 200, signal);
        if (remote) await promoteLearner(remote, peerUrl, log);
      },
      readyTimeoutMs: 300_000,
    }),
    // Before kube-apiserver reads it: this server's copy of the cluster's encryption
    // configuration, or a new cluster's first key (secrets/encryption-service.ts).
    stepComponent('secrets-encryption', async () => void (await c.encryption.reconcileAtStart()), { after: ['etcd'], readyTimeoutMs: 60_000 }),
    processComponent(specOf(plan, 'kube-apiserver'), proc, {
      after: ['etcd', 'secrets-encryption'],
      ready: (signal) => waitFor('kube-apiserver', async () => (await httpsGet(`https://127.0.0.1:${config.httpsPort}/readyz`, tls(false))).status === 200, 180_000, 200, signal),
      readyTimeoutMs: 180_000,
    }),
    stepComponent(
      'node-password',
      async (signal) => {
        await c.joinService.refreshMembers().catch(() => undefined);
        // Register this server's node password (a no-op when it is registered
        // already): until then an agent could take the name and its kubelet identity.
        let ownName: boolean | undefined;
        await waitFor('node password registration', async () => (ownName = await c.joinService.ensureNodePassword(s.nodeName, c.self.password)) !== undefined, 60_000, 1000, signal);
        if (!ownName) {
          throw new RfoError('RFO_JOIN_FORBIDDEN', `node name ${s.nodeName} is registered with a different node password: another node uses this server's name`, {
            hint: `stop the other node, or if it is gone: kubectl -n kube-system delete secret ${s.nodeName}.node-password.rfo; then start rfo again`,
          });
        }
        // This server's addresses, for the approval of its kubelet's serving certificate requests.
        await c.joinService.recordNodeIps(s.nodeName, [s.nodeIp, ...config.nodeExternalIps]);
      },
      { after: ['kube-apiserver'], readyTimeoutMs: 90_000 },
    ),
    loopComponent(
      'server-watcher',
      async () => watchServers(c.joinService, await c.adminClient(), c.self, log),
      { after: ['node-password'] },
    ),
    // Renews leaves with < 90 days left while rfo runs, restarting only their users; warns at < 30 days.
    loopComponent('cert-renewal', () => startCertRenewal(c.certRenewal.check(), { nodeName: s.nodeName, intervalMs: c.certRenewal.intervalMs, log }), { after: ['kube-apiserver'] }),
    // Approves kubelets' serving certificate requests for their own names (csr-approver.ts).
    loopComponent('csr-approver', async () => startCsrApprover(await c.adminClient(), log), { after: ['node-password'] }),
    // Not before the apiserver serves: kube-controller-manager exits when it cannot read its delegated authentication config (measured: two restarts).
    processComponent(specOf(plan, 'kube-controller-manager'), proc, { after: ['kube-apiserver'] }),
    processComponent(specOf(plan, 'kube-scheduler'), proc, { after: ['kube-apiserver'] }),
  ];

  // RBAC rfo owns, kept on disk for the operator to read and applied with the client (server-side apply).
  const rbacStep = (name: string, file: string, render: () => string) =>
    stepComponent(
      name,
      async () => {
        const path = join(s.paths.server.dir, 'etc', file);
        const text = render();
        await writeFileAtomic(path, text);
        const parsed = parseManifestFile(text, path);
        if (!parsed.ok) throw new RfoError('RFO_KUBE_API', `${name}: ${parsed.error}`, { hint: 'this is a bug in rfo' });
        const client = await c.adminClient();
        for (const obj of parsed.objects) await client.apply(obj);
      },
      { after: ['kube-apiserver'], readyTimeoutMs: 60_000 },
    );
  const flannelRbac: Component[] = config.flannel ? [rbacStep('flannel-rbac', 'flannel-rbac.yaml', renderFlannelRbac)] : [];
  // profile: cis: RKE2's default NetworkPolicies and the system namespaces' default service accounts (cis-profile.ts).
  const cisPolicies: Component[] =
    config.profile === 'cis' ? [stepComponent('cis-policies', async (signal) => applyCisPolicies(await c.adminClient(), log, signal), { after: ['kube-apiserver'], readyTimeoutMs: 120_000 })] : [];
  // Before kubelet: its first client certificate request (at its first start) is approved only with this binding.
  const kubeletCsrRbac = rbacStep('kubelet-csr-rbac', 'kubelet-csr-rbac.yaml', renderKubeletCsrRbac);

  // helm-controller creates its CRDs at start; it is ready when the apiserver serves them,
  // so HelmCharts in server/manifests apply at the first try.
  const helmController: Component[] = config.helmController
    ? [
        rbacStep('helm-controller-rbac', 'helm-controller-rbac.yaml', renderHelmControllerRbac),
        processComponent(specOf(plan, 'helm-controller'), proc, {
          // Not before the node has its pod CIDR: charts run as pods, so nothing needs the
          // controller earlier, and on a 2-core host starting it beside kube-controller-manager
          // delayed the pod CIDR (and the whole cold start) by 1.5 s (bench:server).
          after: ['helm-controller-rbac', config.flannel ? 'pod-cidr' : 'kubelet'],
          ready: async (signal) => {
            const client = await c.adminClient();
            for (const name of ['helmcharts.helm.cattle.io', 'helmchartconfigs.helm.cattle.io']) await waitCrdEstablished(client, name, { timeoutMs: 120_000, signal });
          },
          readyTimeoutMs: 120_000,
        }),
      ]
    : [];

  const node = nodeComponents({
    setup: c.setup,
    proc,
    apiserver: ['kube-apiserver'],
    kubeletAfter: ['node-password', kubeletCsrRbac.name],
    flannelAfter: flannelRbac.map((x) => x.name),
    client: c.adminClient,
    log,
    // A server that starts a new cluster (not one that joins) gives its node the first pod CIDR.
    firstPodCidr: c.cluster ? undefined : firstPodCidr(config.clusterCidr),
  });

  // The deployer starts with the apiserver (the user's manifests need no node); CoreDNS's
  // file is written once the node is Ready, so its pod is scheduled at once instead of
  // waiting out the scheduler's backoff on a not-ready node (about 3 s of every cold start).
  let deployer: AddonDeployer | undefined;
  const corednsPath = join(s.paths.server.manifestsDir, 'rfo-coredns.yaml');
  const addons = loopComponent(
    'addons',
    async () => {
      await mkdir(s.paths.server.manifestsDir, { recursive: true });
      // A disabled add-on's file is removed, and the deployer deletes exactly the objects it had created.
      for (const name of plan.addons.remove) await rm(join(s.paths.server.manifestsDir, `${name}.yaml`), { force: true });
      deployer = await startAddonDeployer({ client: await c.adminClient(), dir: s.paths.server.manifestsDir, disabled, log });
      return { stop: () => deployer?.stop() };
    },
    { after: ['kube-apiserver', ...helmController.map((x) => x.name).slice(-1)] },
  );

  const nodeReady = nodeReadyComponent({ setup: c.setup, client: c.adminClient, log }, ['kubelet']);
  const coredns: Component[] = disabled.has('rfo-coredns')
    ? []
    : [
        stepComponent(
          'coredns-manifest',
          async () => {
            const chart = await readFile(plan.charts['rfo-coredns']);
            // The image the staged runtime holds (its manifest), as every other run-time image reference.
            const values = { clusterDNS: config.clusterDns, clusterDomain: config.clusterDomain, image: corednsImageValues(plan.images.coredns) };
            await writeFileAtomic(corednsPath, renderPackagedHelmChart({ name: 'rfo-coredns', chart, targetNamespace: 'kube-system', values }));
            await deployer?.sync();
          },
          { after: [nodeReady.name, 'addons'] },
        ),
        // Without helm-controller (disable-helm-controller) the chart is written but nothing installs it.
        ...(config.flannel && config.helmController
          ? [
              stepComponent('coredns', (signal) => waitFor('CoreDNS', async () => (await dnsQuery(config.clusterDns, `kubernetes.default.svc.${config.clusterDomain}`)) > 0, 300_000, 250, signal), {
                after: ['coredns-manifest'],
                readyTimeoutMs: 300_000,
              }),
            ]
          : []),
      ];

  // Written once, like CoreDNS's; nothing waits for them to run. The policy engine comes with
  // CoreDNS at node Ready, the rest once CoreDNS answers (plan-addon-charts.ts says why).
  const dnsGate = coredns.some((x) => x.name === 'coredns') ? ['coredns'] : [nodeReady.name];
  const addonChartFacts = async () => ({
    kubeletCaPem: await readFile(join(tlsDir, 'kubelet-ca.crt'), 'utf8'),
    storagePath: plan.storagePath,
    serviceCidr: config.serviceCidr,
    serviceNodePortRange: config.serviceNodePortRange,
  });
  const chartStep = (name: string, phase: AddonChartPhase, after: readonly string[]): Component[] => {
    const charts = plan.addonCharts.filter((a) => a.phase === phase);
    if (charts.length === 0) return [];
    return [
      stepComponent(
        name,
        async () => {
          const facts = await addonChartFacts();
          for (const a of charts) {
            const chart = await readFile(a.chart);
            const yaml = renderPackagedHelmChart({ name: a.name, chart, targetNamespace: 'kube-system', values: addonChartValues(a, facts) });
            await writeFileAtomic(join(s.paths.server.manifestsDir, `${a.name}.yaml`), yaml);
          }
          await deployer?.sync();
        },
        { after: [...after, 'addons'] },
      ),
    ];
  };
  const addonCharts = [...chartStep('addon-charts', 'with-dns', [nodeReady.name]), ...chartStep('addon-charts-after-dns', 'after-dns', dnsGate)];

  const ingress = ingressComponents({
    plan: plan.ingress,
    manifestsDir: s.paths.server.manifestsDir,
    after: [...dnsGate, 'addons'],
    client: c.adminClient,
    sync: () => deployer?.sync() ?? Promise.resolve(),
    log,
  });

  return [...controlPlane, ...flannelRbac, ...cisPolicies, kubeletCsrRbac, ...helmController, ...node, addons, nodeReady, ...coredns, ...addonCharts, ...ingress];
}

/** A stand-in for what only a real start has (clients, the join service): building the list never touches it. */
function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: () => {
      throw new RfoError('RFO_COMPONENT_FAILED', `${what} is not available in a dry run`, { hint: 'this is a bug in rfo' });
    },
  });
}

export const serverComponents = {
  build,
  /** The names and order only, for `--dry-run`. */
  declare(ctx: Pick<ServerContext, 's' | 'config' | 'plan' | 'setup' | 'log'>): ComponentDecl[] {
    return build({
      ...ctx,
      proc: { runDir: ctx.s.paths.run.dir, log: ctx.log },
      elapsed: () => '',
      adminClient: () => Promise.reject(new Error('dry run')),
      joinService: unavailable('the join service'),
      etcdClient: unavailable('the etcd client'),
      encryption: unavailable('the secrets encryption service'),
      self: { name: ctx.s.nodeName, password: '' },
      certRenewal: { check: () => unavailable('the certificate check'), intervalMs: 0 },
    }).map((c) => ({ name: c.name, ...(c.after ? { after: c.after } : {}) }));
  },
};
