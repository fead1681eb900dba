// What every node runs, server or agent: containerd (with the airgap images
// imported), kubelet, kube-proxy and flanneld, and the CNI config written from
// flannel's subnet lease. The server and the agent differ only in where the
// certificates and kubeconfigs come from (own PKI vs the join API) and in
// which apiserver address those kubeconfigs name (local vs the agent's load
// balancer).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../paths/paths.ts';
import { renderFlannelNetConf } from '../components/plan-node.ts';
import type { NodeInput } from '../components/plan-node.ts';
import { renderContainerdConfig } from '../render/containerd-config.ts';
import { renderKubeletConfig } from '../render/kubelet-config.ts';
import { renderRegistryHosts } from '../render/registry-hosts.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Registries } from '../config/parse-registries.ts';
import { writeRegistryHosts } from './read-registries.ts';
import type { HostFacts } from '../host/host-facts.ts';
import { list, str } from './prepare-node.ts';
import type { ServerSettings } from './prepare-node.ts';

export interface NodeSetup {
  readonly paths: Paths;
  readonly facts: HostFacts;
  readonly node: NodeInput;
  /** Directory holding the kubelet's client CA and serving certificate. */
  readonly kubeletTls: { readonly clientCaFile: string; readonly certFile: string; readonly keyFile: string };
  readonly clusterDns: string;
  readonly clusterDomain: string;
  /** The staged runtime dir (its airgap archive is imported) and that archive's path inside it. */
  readonly stagedRuntime: string;
  readonly airgapPath?: string;
  /** false with `cni: none`: the user brings a CNI. */
  readonly flannel: boolean;
  /** The pause image, as the runtime's manifest names it. */
  readonly sandboxImage: string;
  /** profile: cis: kubelet's CIS 4.2 settings (render/kubelet-config.ts). */
  readonly hardened?: boolean;
  /** registries.yaml (private-registry), read and checked before anything was written. */
  readonly registries: Registries;
  readonly disableDefaultRegistryEndpoint: boolean;
}

/** The node's component inputs; kubeconfigs live in agent/ on servers and agents alike. */
export function nodeInputFor(s: ServerSettings, binDir: string, clusterCidr: string): NodeInput {
  return {
    binDir,
    logsDir: s.paths.agent.logsDir,
    nodeName: s.nodeName,
    nodeIp: s.nodeIp,
    ...(list(s.values['node-external-ip'])[0] ? { nodeExternalIp: list(s.values['node-external-ip'])[0] } : {}),
    containerdConfig: s.paths.agent.containerdConfig,
    kubeletConfig: s.paths.agent.kubeletConfig,
    ...(str(s.values['resolv-conf']) ? { resolvConf: str(s.values['resolv-conf']) } : {}),
    kubeletKubeconfig: join(s.paths.agent.dir, 'kubelet.kubeconfig'),
    kubeProxyKubeconfig: join(s.paths.agent.dir, 'kubeproxy.kubeconfig'),
    flannelKubeconfig: join(s.paths.agent.dir, 'flannel.kubeconfig'),
    kubeletRootDir: s.paths.kubeletDir,
    flannelNetConf: join(s.paths.agent.etcDir, 'flannel', 'net-conf.json'),
    flannelSubnetFile: join(s.paths.run.dir, 'flannel', 'subnet.env'),
    clusterCidr,
    nodeLabels: list(s.values['node-label']),
    nodeTaints: list(s.values['node-taint']),
    extraArgs: { kubelet: list(s.values['kubelet-arg']), 'kube-proxy': list(s.values['kube-proxy-arg']) },
    extraEnv: { 'kube-proxy': list(s.values['kube-proxy-extra-env']) },
  };
}

/** The airgap archive's path inside a runtime, from its manifest. */
export function airgapPath(manifest: { readonly artifacts: readonly { readonly kind: string; readonly path: string }[] }): string | undefined {
  return manifest.artifacts.find((a) => a.kind === 'archive')?.path;
}

/** Plan the node's components against the paths and host facts; write their configs. */
export async function writeNodeConfigs(n: NodeSetup): Promise<void> {
  const { paths, facts, node } = n;
  // The systemd cgroup driver only where systemd runs the host on cgroup v2; cgroupfs elsewhere.
  const systemdCgroup = !facts.cgroupV1 && facts.systemdPid1;
  const registries = renderRegistryHosts(n.registries, { disableDefaultEndpoint: n.disableDefaultRegistryEndpoint });
  await writeRegistryHosts(paths.agent.containerdHostsDir, registries.hosts);
  await writeFileAtomic(
    node.containerdConfig,
    renderContainerdConfig({
      root: paths.agent.containerdRoot,
      state: paths.run.containerdState,
      socket: paths.run.containerdSocket,
      binDir: node.binDir,
      cniConfDir: paths.cniConfDir,
      sandboxImage: n.sandboxImage,
      systemdCgroup,
      restrictOomScoreAdj: !facts.canLowerOomScore,
      registryConfigPath: paths.agent.containerdHostsDir,
      registryAuths: registries.auths,
    }),
    // Registry passwords live in it then: for root only.
    registries.auths.length > 0 ? 0o600 : 0o644,
  );
  const resolvConf = node.resolvConf ?? (existsSync('/run/systemd/resolve/resolv.conf') ? '/run/systemd/resolve/resolv.conf' : '/etc/resolv.conf');
  await writeFileAtomic(
    node.kubeletConfig,
    renderKubeletConfig({
      address: '0.0.0.0',
      clientCaFile: n.kubeletTls.clientCaFile,
      tlsCertFile: n.kubeletTls.certFile,
      tlsKeyFile: n.kubeletTls.keyFile,
      clusterDns: n.clusterDns,
      clusterDomain: n.clusterDomain,
      containerdSocket: paths.run.containerdSocket,
      resolvConf,
      cgroupDriver: systemdCgroup ? 'systemd' : 'cgroupfs',
      cgroupV1: facts.cgroupV1,
      podLogDir: paths.podLogDir,
      ...(n.hardened ? { hardened: true } : {}),
    }),
  );
  await writeFileAtomic(node.flannelNetConf, renderFlannelNetConf(node.clusterCidr));
  // crictl (rfo's) reads its endpoint from here, as RKE2's does from agent/etc/crictl.yaml.
  await writeFileAtomic(join(paths.agent.etcDir, 'crictl.yaml'), `runtime-endpoint: unix://${paths.run.containerdSocket}\n`);
}
