// Pure: every path rfo uses, derived from the data dir and a few host roots
// (k0s' CfgVars idea). Components get a Paths object instead of joining
// strings themselves, and tests point the roots at temp dirs to run isolated.
// Layout follows RKE2's data dir with rke2 → rfo.

import { join } from 'node:path';

export interface HostRoots {
  /** Default /var/lib/rancher/rfo. */
  readonly dataDir: string;
  /** Default /run/rfo: sockets and pid files. */
  readonly runDir: string;
  /** Default /var/lib/kubelet. */
  readonly kubeletDir: string;
  /** Default /etc/cni/net.d. */
  readonly cniConfDir: string;
  /** Default /var/lib/cni (host-local IPAM state). */
  readonly cniStateDir: string;
  /** Default /var/log/pods. */
  readonly podLogDir: string;
}

export const defaultHostRoots: HostRoots = {
  dataDir: '/var/lib/rancher/rfo',
  runDir: '/run/rfo',
  kubeletDir: '/var/lib/kubelet',
  cniConfDir: '/etc/cni/net.d',
  cniStateDir: '/var/lib/cni',
  podLogDir: '/var/log/pods',
};

export function planPaths(roots: HostRoots) {
  const d = roots.dataDir;
  const server = join(d, 'server');
  const agent = join(d, 'agent');
  const tls = join(server, 'tls');
  return {
    roots,
    /** <data-dir>/data/<runtime key>: a staged runtime; bin is a symlink to the current one. */
    runtimeDir: (key: string) => join(d, 'data', key),
    binLink: join(d, 'bin'),
    server: {
      dir: server,
      token: join(server, 'token'),
      nodeToken: join(server, 'node-token'),
      agentToken: join(server, 'agent-token'),
      tlsDir: tls,
      etcdTlsDir: join(tls, 'etcd'),
      credDir: join(server, 'cred'),
      manifestsDir: join(server, 'manifests'),
      etcdDataDir: join(server, 'db', 'etcd'),
      snapshotsDir: join(server, 'db', 'snapshots'),
      logsDir: join(server, 'logs'),
    },
    agent: {
      dir: agent,
      imagesDir: join(agent, 'images'),
      etcDir: join(agent, 'etc'),
      containerdConfig: join(agent, 'etc', 'containerd', 'config.toml'),
      /** containerd's config_path: hosts.toml per registry, from registries.yaml. */
      containerdHostsDir: join(agent, 'etc', 'containerd', 'certs.d'),
      containerdRoot: join(agent, 'containerd'),
      kubeletConfig: join(agent, 'etc', 'kubelet.conf.d', '00-rfo-defaults.conf'),
      logsDir: join(agent, 'logs'),
    },
    run: {
      dir: roots.runDir,
      containerdSocket: join(roots.runDir, 'containerd', 'containerd.sock'),
      containerdState: join(roots.runDir, 'containerd'),
      pidFile: (component: string) => join(roots.runDir, `${component}.pid`),
    },
    kubeletDir: roots.kubeletDir,
    cniConfDir: roots.cniConfDir,
    cniStateDir: roots.cniStateDir,
    podLogDir: roots.podLogDir,
  } as const;
}

export type Paths = ReturnType<typeof planPaths>;
