// The part every node runs, server or agent, as components:
//   containerd → images ─┐
//   (the apiserver) ─────┴→ kubelet → pod-cidr → flanneld → cni-config
//   (the apiserver) ──────→ kube-proxy
// containerd and the image import need nothing from the cluster, so they run
// while etcd and the apiserver start. flanneld starts once the Node has its
// pod CIDR (it exits without one, which was a restart on every clean start).

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubeletCertDir, planContainerd, planFlannel, planKubelet, planKubeProxy } from '../components/plan-node.ts';
import { parseSubnetEnv, renderCniConflist } from '../render/cni-config.ts';
import { imageImportError } from './image-import-error.ts';
import { waitFor } from '../host/probes.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { typeOf } from '../kube/resource-path.ts';
import { nodeHasPodCidr, nodeIsReady, waitForObject } from '../kube/wait-for-object.ts';
import { claimFirstPodCidr } from '../kube/claim-pod-cidr.ts';
import { processComponent, stepComponent } from '../lifecycle/kinds.ts';
import type { ProcessContext } from '../lifecycle/kinds.ts';
import type { Component } from '../lifecycle/manager.ts';
import type { NodeSetup } from './node-setup.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { cleanKubeletCerts } from '../pki/kubelet-cert-cleanup.ts';
import { run } from '../util/exec.ts';

export interface NodePartInput {
  readonly setup: NodeSetup;
  readonly proc: ProcessContext;
  /** The components that give this node an apiserver to talk to (kube-apiserver on a server, the load balancer on an agent). */
  readonly apiserver: readonly string[];
  /** Components kubelet waits for besides the images and the apiserver. */
  readonly kubeletAfter?: readonly string[];
  /** flanneld's own RBAC, applied by the server before it starts. */
  readonly flannelAfter?: readonly string[];
  /** A client that may read this node's Node object. */
  readonly client: () => Promise<KubeClient>;
  /** The first server of a cluster: its node may take this pod CIDR itself (claim-pod-cidr.ts). */
  readonly firstPodCidr?: string | undefined;
  readonly log: (message: string) => void;
}

const nodeType = typeOf('v1', 'Node');

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
    if (r.code !== 0) throw imageImportError(file, r.stderr, n.paths.agent.containerdRoot);
  }
  return importFrom.length;
}

export function nodeComponents(i: NodePartInput): Component[] {
  const { setup, proc } = i;
  const { node, paths } = setup;
  const ctrVersion = () => run({ cmd: join(node.binDir, 'ctr'), args: ['--address', paths.run.containerdSocket, 'version'] });
  const components: Component[] = [
    processComponent(planContainerd(node), proc, {
      init: () => mkdir(paths.run.containerdState, { recursive: true }).then(() => undefined),
      ready: (signal) => waitFor('containerd', async () => (await ctrVersion()).code === 0, 60_000, 100, signal),
      readyTimeoutMs: 60_000,
    }),
    stepComponent(
      'images',
      async () => {
        i.log(`images imported from ${await importImages(setup)} archive(s)`);
      },
      { after: ['containerd'], readyTimeoutMs: 300_000 },
    ),
    processComponent(planKubelet(node), proc, {
      after: ['images', ...i.apiserver, ...(i.kubeletAfter ?? [])],
      init: async () => {
        await mkdir(paths.kubeletDir, { recursive: true });
        // kubelet prefers its own rotated pair to rfo's files: one left from another cluster or name must go.
        await cleanKubeletCerts(kubeletCertDir(node), node.nodeName, setup.kubeletTls.clientCaFile, i.log);
      },
    }),
    processComponent(planKubeProxy(node), proc, { after: [...i.apiserver] }),
  ];
  if (!setup.flannel) return components;
  return [
    ...components,
    stepComponent(
      'pod-cidr',
      async (signal) => {
        const client = await i.client();
        if (i.firstPodCidr) {
          await waitForObject(client, nodeType, node.nodeName, () => true, { signal, log: i.log });
          if (await claimFirstPodCidr(client, node.nodeName, i.firstPodCidr)) i.log(`node ${node.nodeName} took pod CIDR ${i.firstPodCidr}, the first of cluster-cidr`);
        }
        await waitForObject(client, nodeType, node.nodeName, nodeHasPodCidr, { signal, log: i.log });
      },
      { after: ['kubelet'], readyTimeoutMs: 180_000 },
    ),
    processComponent(planFlannel(node), proc, {
      after: ['pod-cidr', ...(i.flannelAfter ?? [])],
      init: () => mkdir(join(paths.run.dir, 'flannel'), { recursive: true }).then(() => undefined),
      ready: (signal) => waitFor('flannel subnet', () => Promise.resolve(existsSync(node.flannelSubnetFile)), 180_000, 100, signal),
      readyTimeoutMs: 180_000,
    }),
    stepComponent(
      'cni-config',
      async () => {
        await writeFileAtomic(join(paths.cniConfDir, '10-rfo.conflist'), renderCniConflist(parseSubnetEnv(await readFile(node.flannelSubnetFile, 'utf8')), paths.cniStateDir));
      },
      { after: ['flanneld'] },
    ),
  ];
}

/** The last step of a node's start: its Node object is Ready (with a CNI), or at least registered (cni: none). */
export function nodeReadyComponent(i: Pick<NodePartInput, 'setup' | 'client' | 'log'>, after: readonly string[]): Component {
  const name = i.setup.node.nodeName;
  const ownCni = !i.setup.flannel;
  return stepComponent(
    ownCni ? 'node-registered' : 'node-ready',
    async (signal) => {
      await waitForObject(await i.client(), nodeType, name, ownCni ? () => true : nodeIsReady, { signal, log: i.log });
      i.log(ownCni ? `node ${name} registered` : `node ${name} Ready`);
    },
    { after: [...after, ...(ownCni ? [] : ['cni-config'])], readyTimeoutMs: 300_000 },
  );
}
