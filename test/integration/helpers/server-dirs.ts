// The directories of one test server under its own root, and the flags that
// point rfo at them. A test node shares the host's mount namespace, so every
// path rfo would otherwise take from the host's defaults (data, run, kubelet,
// CNI config and host-local's IP reservations) must be the test's own: the
// IPAM state once leaked between tests and filled the pod CIDR (stop 20).
// `rfo killall` gets the same paths, so it cleans exactly this server.

import { join } from 'node:path';

export interface ServerDirs {
  readonly data: string;
  readonly run: string;
  readonly kubelet: string;
  readonly cni: string;
  readonly cniState: string;
  /** registries.yaml (private-registry): none there unless a test writes one, never the host's. */
  readonly registries: string;
  readonly kubeconfig: string;
}

export function serverDirs(root: string, kubeconfig = join(root, 'etc', 'rfo.yaml')): ServerDirs {
  const cni = join(root, 'cni');
  return { data: join(root, 'data'), run: join(root, 'run'), kubelet: join(root, 'kubelet'), cni, cniState: `${cni}-state`, registries: join(root, 'registries.yaml'), kubeconfig };
}

/** --data-dir … --private-registry: every host path of a node rfo would otherwise default. */
export function nodeDirArgs(d: ServerDirs): string[] {
  return ['--data-dir', d.data, '--run-dir', d.run, '--kubelet-dir', d.kubelet, '--cni-conf-dir', d.cni, '--cni-state-dir', d.cniState, '--private-registry', d.registries];
}

export interface TestServerOptions {
  readonly nodeIp: string;
  readonly runtimeDir: string;
  /** Config file; /dev/null (none) by default. */
  readonly config?: string;
  /** More flags after the common ones (--disable, --node-name, …). */
  readonly extra?: readonly string[];
}

/** `rfo server` for a test server in its own dirs. */
export function testServerArgs(d: ServerDirs, o: TestServerOptions): string[] {
  return ['server', '--config', o.config ?? '/dev/null', ...nodeDirArgs(d), '--write-kubeconfig', d.kubeconfig, '--node-ip', o.nodeIp, '--runtime-dir', o.runtimeDir, ...(o.extra ?? [])];
}

/** `rfo killall` (or rfo-killall.sh with the first item dropped) for that server. */
export function killallArgs(d: ServerDirs): string[] {
  return ['killall', '--config', '/dev/null', '--data-dir', d.data, '--run-dir', d.run, '--kubelet-dir', d.kubelet, '--cni-state-dir', d.cniState];
}
