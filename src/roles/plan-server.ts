// Pure: everything `rfo server` will run and write, from its settings, the
// host facts and the runtime manifest. startServer runs exactly these specs;
// `rfo server --dry-run` prints them.

import { join } from 'node:path';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { etcdTlsFiles, planApiserver, planControllerManager, planEtcd, planHelmController, planScheduler } from '../components/plan-control-plane.ts';
import type { ControlPlaneHardening, ControlPlaneInput } from '../components/plan-control-plane.ts';
import { cisServerFiles } from './cis-files.ts';
import { planContainerd, planFlannel, planKubelet, planKubeProxy } from '../components/plan-node.ts';
import type { NodeInput } from '../components/plan-node.ts';
import type { ProcessSpec } from '../supervisor/process-spec.ts';
import type { ServerSettings } from './prepare-node.ts';
import { nodeInputFor } from './node-setup.ts';
import { planCertSpecs } from '../pki/specs.ts';
import type { CertSpec } from '../pki/specs.ts';
import { chartPathOf, imageRefOf } from '../runtime/runtime-images.ts';
import type { ServerConfig } from './resolve-server-settings.ts';
import { addonChartNames, planAddonCharts } from '../addons/plan-addon-charts.ts';
import type { AddonChartPlan } from '../addons/plan-addon-charts.ts';
import { ingressAddons, planIngress } from '../addons/plan-ingress.ts';
import type { IngressPlan } from '../addons/plan-ingress.ts';

/** Packaged add-ons a server writes to server/manifests (file name without .yaml). */
export const packagedAddons = ['rfo-coredns', ...addonChartNames, ...ingressAddons] as const;

export interface ServerPlan {
  readonly controlPlane: ControlPlaneInput;
  readonly node: NodeInput;
  /** Every process, in start order (etcd as the first server's; a joining server's etcd gets its member list at run time). */
  readonly processes: readonly ProcessSpec[];
  readonly certificates: readonly CertSpec[];
  /** Files rfo writes or keeps current (certificates aside). */
  readonly files: readonly string[];
  readonly addons: { readonly deploy: readonly string[]; readonly remove: readonly string[] };
  readonly images: { readonly sandbox: string; readonly coredns: string; readonly helmJob: string };
  /** Packaged charts in the staged runtime, by name. */
  readonly charts: { readonly 'rfo-coredns': string };
  /** The other packaged add-ons to write once the node is Ready (metrics-server, local-path). */
  readonly addonCharts: readonly AddonChartPlan[];
  /** local-path's volumes on every node: <data-dir>/storage. */
  readonly storagePath: string;
  /** rfo-gateway-api-crds, then rfo-traefik (src/addons/plan-ingress.ts). */
  readonly ingress: IngressPlan;
  /** Ports that must be free, with their owner. */
  readonly ports: readonly (readonly [number, string])[];
  readonly warnings: readonly string[];
}

export interface ServerPlanInput {
  readonly s: ServerSettings;
  readonly config: ServerConfig;
  readonly manifest: Pick<RuntimeManifest, 'artifacts' | 'key'> & Partial<Pick<RuntimeManifest, 'arch'>>;
  /** etcd's member count when this server last looked (server/db/etcd-members); undefined before its first start. */
  readonly knownEtcdMembers?: number;
  /** profile: cis — the etcd account's ids (host facts; absent in a dry run on a host without it). */
  readonly etcdUser?: { readonly uid: number; readonly gid: number };
}

export function planServer(i: ServerPlanInput): ServerPlan {
  const { s, config: c } = i;
  const bin = s.paths.binLink;
  const tlsDir = s.paths.server.tlsDir;
  const cisFiles = c.profile === 'cis' ? cisServerFiles(s.paths) : undefined;
  const hardening: ControlPlaneHardening | undefined = cisFiles
    ? {
        admissionConfigFile: cisFiles.admissionConfig,
        auditPolicyFile: cisFiles.auditPolicy,
        auditLogPath: cisFiles.auditLog,
        etcdTlsFiles: etcdTlsFiles(tlsDir),
        ...(i.etcdUser ? { etcdUser: i.etcdUser } : {}),
      }
    : undefined;
  const controlPlane: ControlPlaneInput = {
    binDir: bin,
    tlsDir,
    credDir: s.paths.server.credDir,
    etcdDataDir: s.paths.server.etcdDataDir,
    etcdTiming: !c.joinUrl && (i.knownEtcdMembers ?? 1) <= 1 ? 'single' : 'cluster',
    ...(i.manifest.arch ? { arch: i.manifest.arch } : {}),
    logsDir: s.paths.agent.logsDir,
    nodeName: s.nodeName,
    nodeIp: s.nodeIp,
    advertiseAddress: c.advertiseAddress,
    bindAddress: c.bindAddress,
    httpsPort: c.httpsPort,
    etcdClientPort: 2379,
    etcdPeerPort: 2380,
    clusterCidr: c.clusterCidr,
    serviceCidr: c.serviceCidr,
    serviceNodePortRange: c.serviceNodePortRange,
    clusterDomain: c.clusterDomain,
    ...(hardening ? { hardening } : {}),
    extraArgs: c.extraArgs,
    extraEnv: c.extraEnv,
  };
  const node = nodeInputFor(s, bin, c.clusterCidr);
  // A runtime without the image (arm64, riscv64: no Debian packages pinned for them) cannot enforce
  // policies: the server runs, says so at every start, and `network-policy: none` acknowledges it.
  const hasPolicyImage = i.manifest.artifacts.some((a) => a.kind === 'image' && a.component === 'kube-router') && i.manifest.artifacts.some((a) => a.kind === 'chart' && a.name === 'rfo-network-policy');
  const images = {
    sandbox: imageRefOf(i.manifest, 'pause'),
    coredns: imageRefOf(i.manifest, 'coredns'),
    helmJob: imageRefOf(i.manifest, 'helm'),
  };
  const processes = [
    planEtcd(controlPlane),
    planApiserver(controlPlane),
    planControllerManager(controlPlane),
    planScheduler(controlPlane),
    ...(c.helmController ? [planHelmController(controlPlane, images.helmJob)] : []),
    planContainerd(node),
    planKubelet(node),
    planKubeProxy(node),
    ...(c.flannel ? [planFlannel(node)] : []),
  ];
  const cred = (n: string) => join(s.paths.server.credDir, n);
  const agent = (n: string) => join(s.paths.agent.dir, n);
  const kubeconfigs = [cred('admin.kubeconfig'), cred('controller.kubeconfig'), cred('scheduler.kubeconfig'), cred('helm-controller.kubeconfig'), agent('kubelet.kubeconfig'), agent('kubeproxy.kubeconfig'), agent('flannel.kubeconfig')];
  const userKubeconfigs = [s.kubeconfigOut, ...(s.kubeconfigOut.endsWith('.yaml') ? [s.kubeconfigOut.replace(/\.yaml$/, '.yml')] : [])];
  const wanted = packagedAddons.filter((a) => !c.disabled.has(a) && (a !== 'rfo-network-policy' || hasPolicyImage));
  const addonCharts = planAddonCharts(i.manifest, s.paths.runtimeDir(i.manifest.key), wanted);
  const ingress = planIngress(i.manifest, s.paths.runtimeDir(i.manifest.key), c.disabled);
  const deploy = wanted.filter(
    (a) => a === 'rfo-coredns' || addonCharts.charts.some((x) => x.name === a) || (a === 'rfo-traefik' && ingress.traefik) || (a === 'rfo-gateway-api-crds' && ingress.gatewayApiCrds),
  );
  const remove = packagedAddons.filter((a) => c.disabled.has(a));
  const warnings = [
    ...(c.flannel ? [] : [`cni: none: node ${s.nodeName} stays NotReady until you install a CNI`]),
    ...(c.helmController ? [] : ['disable-helm-controller: HelmCharts (rfo-coredns among them) are not installed, upgraded or removed on this server']),
    ...(c.networkPolicy !== 'none' && !hasPolicyImage
      ? [`network-policy: the runtime ${i.manifest.key} has no rfo-network-policy image or chart: NetworkPolicies are NOT enforced (set network-policy: none to acknowledge)`]
      : []),
    ...[...c.disabled].filter((d) => !(packagedAddons as readonly string[]).includes(d)).map((d) => `disable: ${d} is not a packaged component (known: ${packagedAddons.join(', ')})`),
    ...addonCharts.warnings,
    ...ingress.warnings,
  ];
  return {
    controlPlane,
    node,
    processes,
    certificates: planCertSpecs({ nodeName: s.nodeName, nodeIps: [s.nodeIp, ...c.nodeExternalIps], tlsSans: c.tlsSans, serviceCidr: c.serviceCidr, clusterDomain: c.clusterDomain }),
    files: [
      s.paths.server.token,
      s.paths.server.nodeToken,
      ...kubeconfigs,
      ...userKubeconfigs,
      // Secrets encryption (secrets/encryption-service.ts): the apiserver's file and the stage this server has.
      cred('encryption-config.json'),
      cred('encryption-state.json'),
      node.containerdConfig,
      node.kubeletConfig,
      node.flannelNetConf,
      join(s.paths.agent.etcDir, 'crictl.yaml'),
      ...(c.flannel ? [join(s.paths.server.dir, 'etc', 'flannel-rbac.yaml'), join(s.paths.cniConfDir, '10-rfo.conflist')] : []),
      join(s.paths.server.dir, 'etc', 'kubelet-csr-rbac.yaml'),
      ...(c.helmController ? [join(s.paths.server.dir, 'etc', 'helm-controller-rbac.yaml')] : []),
      ...deploy.map((a) => join(s.paths.server.manifestsDir, `${a}.yaml`)),
      ...(cisFiles ? [cisFiles.admissionConfig, cisFiles.eventRateLimit, cisFiles.auditPolicy] : []),
      join(s.paths.run.dir, 'rfo.pid'),
    ],
    addons: { deploy, remove },
    images,
    charts: { 'rfo-coredns': join(s.paths.runtimeDir(i.manifest.key), chartPathOf(i.manifest, 'rfo-coredns')) },
    addonCharts: addonCharts.charts,
    storagePath: join(s.paths.roots.dataDir, 'storage'),
    ingress,
    ports: [
      [c.httpsPort, 'kube-apiserver'],
      [c.supervisorPort, 'rfo supervisor'],
      [2379, 'etcd client'],
      [2380, 'etcd peer'],
      [10250, 'kubelet'],
    ],
    warnings,
  };
}
