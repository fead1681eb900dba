// What every node runs, server or agent: containerd (with the airgap images
// imported), kubelet, kube-proxy and flanneld, and the CNI config written from
// flannel's subnet lease. The server and the agent differ only in where the
// certificates and kubeconfigs come from (own PKI vs the join API) and in
// which apiserver address those kubeconfigs name (local vs the agent's load
// balancer).

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import type { Paths } from '../paths/paths.ts';
import { planContainerd, planFlannel, planKubelet, planKubeProxy, renderFlannelNetConf } from '../components/plan-node.ts';
import type { NodeInput } from '../components/plan-node.ts';
import type { ProcessSpec } from '../components/process-spec.ts';
import { renderContainerdConfig } from '../render/containerd-config.ts';
import { renderKubeletConfig } from '../render/kubelet-config.ts';
import { parseSubnetEnv, renderCniConflist } from '../render/cni-config.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { run } from '../util/exec.ts';
import { imageRecipes } from '../versions/recipes.ts';
import type { HostFacts } from '../server/host-facts.ts';
import { waitFor } from '../server/probes.ts';
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
  const sandbox = imageRecipes.find((i) => i.component === 'pause')?.ref ?? 'registry.k8s.io/pause:3.10.2';
  await writeFileAtomic(
    node.containerdConfig,
    renderContainerdConfig({
      root: paths.agent.containerdRoot,
      state: paths.run.containerdState,
      socket: paths.run.containerdSocket,
      binDir: node.binDir,
      cniConfDir: paths.cniConfDir,
      sandboxImage: sandbox,
      systemdCgroup,
      restrictOomScoreAdj: !facts.canLowerOomScore,
    }),
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
    }),
  );
  await writeFileAtomic(node.flannelNetConf, renderFlannelNetConf(node.clusterCidr));
  // crictl (rfo's) reads its endpoint from here, as RKE2's does from agent/etc/crictl.yaml.
  await writeFileAtomic(join(paths.agent.etcDir, 'crictl.yaml'), `runtime-endpoint: unix://${paths.run.containerdSocket}\n`);
}

/** Import the runtime's airgap archive and any archives the user put in agent/images. */
async function importImages(n: NodeSetup): Promise<number> {
  const ctr = (...a: string[]) => run({ cmd: join(n.node.binDir, 'ctr'), args: ['--address', n.paths.run.containerdSocket, '-n', 'k8s.io', ...a] });
  // A release ships the archive separately (the installer puts it in agent/images).
  const importFrom = n.airgapPath && existsSync(join(n.stagedRuntime, n.airgapPath)) ? [join(n.stagedRuntime, n.airgapPath)] : [];
  try {
    for (const f of (await readdir(n.paths.agent.imagesDir)).sort()) if (/\.tar(\.(gz|zst))?$|\.tgz$|\.tzst$/.test(f)) importFrom.push(join(n.paths.agent.imagesDir, f));
  } catch {
    // no agent/images directory: nothing extra to import
  }
  for (const file of importFrom) {
    // ctr detects gzip and zstd by their magic bytes and decompresses as it reads, so
    // rfo passes the file as it is: no copy on disk and no bundle held in rfo's memory.
    const r = await ctr('images', 'import', '--all-platforms', file);
    if (r.code !== 0) throw new RfoError('RFO_IMAGE_INVALID', `importing ${file} failed: ${r.stderr.trim()}`, { hint: 'remove or replace the archive in agent/images' });
  }
  return importFrom.length;
}

/** containerd → images → kubelet, kube-proxy → flanneld → CNI config. */
export async function startNodeComponents(n: NodeSetup, start: (spec: ProcessSpec) => void, log: (m: string) => void, elapsed: () => string): Promise<void> {
  const { node, paths } = n;
  await mkdir(paths.run.containerdState, { recursive: true });
  start(planContainerd(node));
  const ctrVersion = () => run({ cmd: join(node.binDir, 'ctr'), args: ['--address', paths.run.containerdSocket, 'version'] });
  await waitFor('containerd', async () => (await ctrVersion()).code === 0, 60_000);
  log(`images imported from ${await importImages(n)} archive(s) (${elapsed()})`);
  await mkdir(paths.kubeletDir, { recursive: true });
  start(planKubelet(node));
  start(planKubeProxy(node));
  if (!n.flannel) return;
  await mkdir(join(paths.run.dir, 'flannel'), { recursive: true });
  start(planFlannel(node));
  await waitFor('flannel subnet', () => Promise.resolve(existsSync(node.flannelSubnetFile)), 180_000);
  await writeFileAtomic(join(paths.cniConfDir, '10-rfo.conflist'), renderCniConflist(parseSubnetEnv(await readFile(node.flannelSubnetFile, 'utf8'))));
}
