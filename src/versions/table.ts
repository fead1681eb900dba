// The pinned version table: the single source of truth for what an rfo
// runtime contains. The Go wrapper modules (go/<component>/go.mod), the build
// recipes, the cache key, the manifest, the README's version table and the
// release version string are all derived from this file.
//
// To bump a component: change its version here, run `npm run gen:gomod`, then
// `npm run build:runtime`. The tests check that go/*/go.mod agree with this table.

export type Arch = 'amd64' | 'arm64' | 'riscv64';
export const supportedArches: readonly Arch[] = ['amd64', 'arm64', 'riscv64'];

/** rfo's own revision on top of the Kubernetes version: vX.Y.Z+rforN. */
export const rfoRevision = 1;

/** The Go language version the wrapper modules declare (go.mod `go` line). */
export const goLanguageVersion = '1.26.0';

export type ComponentId =
  | 'kubernetes'
  | 'etcd'
  | 'containerd'
  | 'runc'
  | 'cni-plugins'
  | 'flannel'
  | 'coredns'
  | 'helm'
  | 'crictl'
  | 'pause'
  | 'versitygw'
  | 'cosign';

export interface Component {
  readonly id: ComponentId;
  readonly version: string;
  /** Go modules whose source is built (first one is the main module). Empty for C sources. */
  readonly modules: readonly string[];
  readonly license: string;
  /**
   * Extra go.mod replace directives for the wrapper module: module path →
   * local directory (relative to go/<component>/). Only for modules the
   * module proxy refuses to serve; each needs a README saying why.
   */
  readonly goReplaces?: Readonly<Record<string, string>>;
  /** Why this version: shown in docs and closing notes, kept next to the pin. */
  readonly note?: string;
  /**
   * A tool for tests, benchmarks or releases (an S3 server, cosign...): built
   * from source like the rest by `npm run build:tools`, never staged in the runtime.
   */
  readonly tool?: boolean;
}

export const components: Readonly<Record<ComponentId, Component>> = {
  kubernetes: {
    id: 'kubernetes',
    version: 'v1.36.3',
    modules: ['k8s.io/kubernetes'],
    license: 'Apache-2.0',
    note: 'newest v1.36 patch served by the Go module proxy',
  },
  etcd: {
    id: 'etcd',
    version: 'v3.6.16',
    modules: ['go.etcd.io/etcd/server/v3', 'go.etcd.io/etcd/etcdctl/v3', 'go.etcd.io/etcd/etcdutl/v3'],
    license: 'Apache-2.0',
    note: 'Kubernetes 1.36 is validated against etcd 3.6; newest 3.6 patch',
  },
  containerd: {
    id: 'containerd',
    version: 'v2.4.2',
    modules: ['github.com/containerd/containerd/v2'],
    license: 'Apache-2.0',
    note:
      'newest release; cgroup v1 is deprecated since 2.2 (containerd#12445) but maintainers keep it ' +
      'supported until at least May 2029 (containerd#12443), and 2.x implements the RuntimeConfig RPC ' +
      'that kubelet 1.36+ uses to learn the cgroup driver',
  },
  runc: {
    id: 'runc',
    version: 'v1.5.2',
    modules: ['github.com/opencontainers/runc'],
    license: 'Apache-2.0',
    note: 'newest release; cgroup v1 deprecated but maintained until at least May 2029 (runc#4955)',
  },
  'cni-plugins': {
    id: 'cni-plugins',
    version: 'v1.9.1',
    modules: ['github.com/containernetworking/plugins'],
    license: 'Apache-2.0',
  },
  flannel: {
    id: 'flannel',
    version: 'v0.28.10',
    modules: ['github.com/flannel-io/flannel'],
    license: 'Apache-2.0',
    goReplaces: {
      'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common': './unavailable/tencentcloud-common',
      'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc': './unavailable/tencentcloud-vpc',
    },
    note:
      'flanneld runs on the host (VXLAN); rfo writes the bridge CNI config itself from flannel subnet.env. ' +
      'The Tencent Cloud SDK used by the tencent-vpc backend is not served by the module proxy, so local ' +
      'stand-ins (go/flannel/unavailable) satisfy that import and the backend reports itself unavailable',
  },
  coredns: {
    id: 'coredns',
    version: 'v1.14.7',
    modules: ['github.com/coredns/coredns'],
    license: 'Apache-2.0',
  },
  helm: {
    id: 'helm',
    version: 'v3.22.0',
    modules: ['helm.sh/helm/v3'],
    license: 'Apache-2.0',
  },
  crictl: {
    id: 'crictl',
    version: 'v0.36.3',
    modules: ['k8s.io/cri-api'],
    license: 'Apache-2.0',
    note:
      "rfo's own crictl (go/crictl: version, info, ps, pods, images, inspect, inspectp, logs) on the pinned " +
      'CRI API; sigs.k8s.io/cri-tools is not served by the Go module proxy',
  },
  pause: {
    id: 'pause',
    version: '3.10.2',
    modules: [],
    license: 'Apache-2.0',
    note: "built from Kubernetes' own build/pause/linux/pause.c with gcc -static; the sandbox image of 1.36",
  },
  versitygw: {
    id: 'versitygw',
    version: 'v1.8.0',
    modules: ['github.com/versity/versitygw'],
    license: 'Apache-2.0',
    tool: true,
    note: 'S3-compatible server (posix backend) for the snapshot tests and benchmark; newest on the module proxy',
  },
  cosign: {
    id: 'cosign',
    version: 'v3.1.3',
    modules: ['github.com/sigstore/cosign/v3'],
    license: 'Apache-2.0',
    tool: true,
    note: 'tool: verifies release signatures in the tests (cosign verify-blob --key), as users do',
  },
};

/** Kubernetes version without the leading v: 1.36.3. */
export function kubernetesVersion(): string {
  return components.kubernetes.version.replace(/^v/, '');
}

/** The release version rfo reports and ships under: v1.36.3+rfor1. */
export function rfoVersion(): string {
  return `${components.kubernetes.version}+rfor${rfoRevision}`;
}
