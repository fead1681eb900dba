// Pure: the process specs every node runs — containerd, kubelet, kube-proxy
// and flanneld — from the node's settings and paths.

import { dirname, join } from 'node:path';
import { mergeArgs } from '../supervisor/process-spec.ts';
import type { ProcessSpec } from '../supervisor/process-spec.ts';
import { planGoRuntimeEnv } from './go-runtime-env.ts';

export interface NodeInput {
  readonly binDir: string;
  readonly logsDir: string;
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly nodeExternalIp?: string;
  readonly containerdConfig: string;
  readonly kubeletConfig: string;
  /** The resolv.conf kubelet gives pods with dnsPolicy Default (`resolv-conf`); detected when absent. */
  readonly resolvConf?: string;
  readonly kubeletKubeconfig: string;
  readonly kubeProxyKubeconfig: string;
  readonly flannelKubeconfig: string;
  readonly kubeletRootDir: string;
  readonly flannelNetConf: string;
  readonly flannelSubnetFile: string;
  readonly clusterCidr: string;
  readonly nodeLabels: readonly string[];
  readonly nodeTaints: readonly string[];
  readonly extraArgs: { readonly kubelet: readonly string[]; readonly 'kube-proxy': readonly string[] };
  /** kube-proxy-extra-env items (KEY=VALUE) over rfo's Go defaults (go-runtime-env.ts). */
  readonly extraEnv?: { readonly 'kube-proxy'?: readonly string[] };
}

export function planContainerd(n: NodeInput): ProcessSpec {
  return {
    name: 'containerd',
    binary: join(n.binDir, 'containerd'),
    args: ['--config', n.containerdConfig],
    // The shim finds runc and the CNI plugins on PATH.
    env: { ...planGoRuntimeEnv(), PATH: `${n.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
    logFile: join(n.logsDir, 'containerd.log'),
    stopTimeoutMs: 10_000,
    overridden: [],
  };
}

/** Where kubelet keeps the certificates it rotates (--cert-dir). */
export const kubeletCertDir = (n: Pick<NodeInput, 'kubeletRootDir'>): string => join(n.kubeletRootDir, 'pki');

export function planKubelet(n: NodeInput): ProcessSpec {
  const { args, overridden } = mergeArgs(
    {
      // The directory, not the file (as RKE2): kubelet merges every *.conf in
      // it in name order, so an operator's 50-*.conf overrides our
      // 00-rfo-defaults.conf without a kubelet-arg.
      'config-dir': dirname(n.kubeletConfig),
      kubeconfig: n.kubeletKubeconfig,
      'hostname-override': n.nodeName,
      'node-ip': n.nodeIp,
      'root-dir': n.kubeletRootDir,
      // Where kubelet keeps the certificates it rotates (CSR API). Its default is
      // /var/lib/kubelet/pki whatever --root-dir says: every kubelet on a host
      // would share (and load) one another's client certificate.
      'cert-dir': kubeletCertDir(n),
      ...(n.nodeLabels.length > 0 ? { 'node-labels': n.nodeLabels.join(',') } : {}),
      ...(n.nodeTaints.length > 0 ? { 'register-with-taints': n.nodeTaints.join(',') } : {}),
    },
    n.extraArgs.kubelet,
  );
  return {
    name: 'kubelet',
    binary: join(n.binDir, 'kubelet'),
    args,
    env: { ...planGoRuntimeEnv(), PATH: `${n.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` },
    logFile: join(n.logsDir, 'kubelet.log'),
    stopTimeoutMs: 10_000,
    overridden,
  };
}

export function planKubeProxy(n: NodeInput): ProcessSpec {
  const { args, overridden } = mergeArgs(
    {
      kubeconfig: n.kubeProxyKubeconfig,
      'hostname-override': n.nodeName,
      'cluster-cidr': n.clusterCidr,
      'proxy-mode': 'iptables',
      'healthz-bind-address': '127.0.0.1:10256',
      'metrics-bind-address': '127.0.0.1:10249',
      // 0: leave the host's conntrack sysctls alone (they are not per network namespace).
      'conntrack-max-per-core': '0',
      'conntrack-tcp-timeout-established': '0s',
      'conntrack-tcp-timeout-close-wait': '0s',
    },
    n.extraArgs['kube-proxy'],
  );
  return { name: 'kube-proxy', binary: join(n.binDir, 'kube-proxy'), args, env: planGoRuntimeEnv(n.extraEnv?.['kube-proxy']), logFile: join(n.logsDir, 'kube-proxy.log'), stopTimeoutMs: 10_000, overridden };
}

export function planFlannel(n: NodeInput): ProcessSpec {
  return {
    name: 'flanneld',
    binary: join(n.binDir, 'flanneld'),
    args: [
      '--kube-subnet-mgr',
      `--kubeconfig-file=${n.flannelKubeconfig}`,
      `--net-config-path=${n.flannelNetConf}`,
      `--subnet-file=${n.flannelSubnetFile}`,
      `--public-ip=${n.nodeExternalIp ?? n.nodeIp}`,
      `--iface=${n.nodeIp}`,
      '--ip-masq',
    ],
    // flannel's kube subnet manager finds its Node object by this name.
    env: { ...planGoRuntimeEnv(), NODE_NAME: n.nodeName },
    logFile: join(n.logsDir, 'flanneld.log'),
    stopTimeoutMs: 5_000,
    overridden: [],
  };
}

/** flannel's net-conf.json: the cluster CIDR and the VXLAN backend. */
export function renderFlannelNetConf(clusterCidr: string): string {
  return `${JSON.stringify({ Network: clusterCidr, EnableIPv4: true, Backend: { Type: 'vxlan' } }, null, 2)}\n`;
}
