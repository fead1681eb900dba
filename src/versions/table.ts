// The pinned version table: the single source of truth for what an rfo
// runtime contains. The Go wrapper modules (go/<component>/go.mod), the build
// recipes, the cache key, the manifest, the README's version table and the
// release version string are all derived from this file.
//
// To bump a component: change its version here, run `npm run gen:gomod`, then
// `npm run build:runtime`. The tests check that go/*/go.mod agree with this table.

import { defaultMinor, minorLine, minorLines, tableForMinor } from './minors.ts';

export type Arch = 'amd64' | 'arm64' | 'riscv64';
export const supportedArches: readonly Arch[] = ['amd64', 'arm64', 'riscv64'];

/** rfo's own revision on top of the Kubernetes version: vX.Y.Z+rforN. */
export const rfoRevision = 1;

/** The Go language version the wrapper modules declare (go.mod `go` line). */
export const goLanguageVersion = '1.26.0';

/**
 * The Go toolchain every Go artifact is built with. The go command fetches it
 * itself (GOTOOLCHAIN=<this>, through `go env GOPROXY`, checked against the
 * checksum database) whatever Go the host has, as long as that is Go 1.21+.
 * It is part of every artifact's cache key. Newest 1.26 patch: 1.26.9 fixed
 * the net/http, crypto/x509 and crypto/tls flaws govulncheck reported.
 */
export const goToolchain = 'go1.26.11';

/**
 * The Go vulnerability database `npm run scan` checks against: a pinned
 * snapshot of the golang.org/x/vulndb module (its data/osv directory), turned
 * into the standard v1 database layout by src/scan/vulndb.ts. Bump the
 * pseudo-version to get newer advisories (`go list -m golang.org/x/vulndb@latest`).
 */
export const vulnDatabase = {
  module: 'golang.org/x/vulndb',
  version: 'v0.0.0-20261105234957-e22db6528018',
  /** go.sum h1: hash of that module zip; the download is refused if it differs. */
  sum: 'h1:mfngRv0Yoh0VApsXKEN82CjD99kl7mtparN3bs3JnqI=',
} as const;

export type ComponentId =
  | 'kubernetes'
  | 'etcd'
  | 'containerd'
  | 'runc'
  | 'cni-plugins'
  | 'flannel'
  | 'coredns'
  | 'kube-router'
  | 'helm'
  | 'helm-controller'
  | 'crictl'
  | 'traefik'
  | 'gateway-api'
  | 'metrics-server'
  | 'local-path-provisioner'
  | 'busybox'
  | 'pause'
  | 'versitygw'
  | 'cosign'
  | 'govulncheck'
  | 'conformance'
  | 'conformance-busybox'
  | 'lab-registry';

export interface Component {
  readonly id: ComponentId;
  readonly version: string;
  /** Go modules whose source is built (first one is the main module). Empty for C sources. */
  readonly modules: readonly string[];
  readonly license: string;
  /**
   * Extra go.mod replace directives for the wrapper module: module path →
   * local directory (relative to go/<component>/), or `module version` (a
   * served replacement for a version the proxy refuses). Only for modules
   * the module proxy refuses to serve; each needs a README saying why.
   */
  readonly goReplaces?: Readonly<Record<string, string>>;
  /**
   * Minimum versions of dependencies, raised above what the upstream module
   * asks for (minimal version selection keeps the higher one): security
   * fixes in golang.org/x/net, grpc... that upstream has not released yet.
   * `npm run gen:gomod` writes them into the wrapper's require block. Each
   * one must stay within what upstream builds with (same major version).
   */
  readonly goRequires?: Readonly<Record<string, string>>;
  /**
   * A module whose files (not code) go into the runtime: fetched through the
   * module proxy at build time at this component's version, refused unless
   * its go.sum hash is `sum`; nothing of it is committed.
   */
  readonly data?: { readonly module: string; readonly sum: string; readonly dir: string };
  /** Why this version: shown in docs and closing notes, kept next to the pin. */
  readonly note?: string;
  /**
   * A binary taken from a Debian package instead of built here (busybox, a
   * C program with no Go source): the package and version fetched with apt,
   * and the sha256 of the .deb per arch as the Debian archive's index lists
   * it; the build refuses any other file. Arches without a hash are skipped.
   */
  readonly debian?: {
    readonly package: string;
    readonly version: string;
    readonly sha256: Readonly<Partial<Record<Arch, string>>>;
  };
  /**
   * A C program built here from its release tarball (busybox for the
   * conformance images): the tarball's URL and sha256; the build refuses
   * any other bytes. `dir` is the directory the tarball unpacks to.
   */
  readonly sourceTarball?: { readonly url: string; readonly sha256: string; readonly dir: string };
  /**
   * A tool for tests, benchmarks or releases (an S3 server, cosign...): built
   * from source like the rest by `npm run build:tools`, never staged in the runtime.
   */
  readonly tool?: boolean;
  /**
   * A tool only `npm run conformance` builds and runs (the suite, the lab's
   * registry): neither the scan nor a release builds it.
   */
  readonly testTool?: boolean;
  /**
   * The wrapper module directory go/<wrapper> when it is not go/<id>: a
   * non-default minor's Kubernetes (go/kubernetes-1.35) or paired etcd
   * (go/etcd-3.7), each with its own go.sum. Set by tableForMinor.
   */
  readonly wrapper?: string;
}

/** The default minor's table (src/versions/minors.ts replaces the per-minor entries for the others). */
export const pinnedComponents: Readonly<Record<ComponentId, Component>> = {
  kubernetes: {
    id: 'kubernetes',
    version: 'v1.36.3',
    modules: ['k8s.io/kubernetes'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'go.etcd.io/etcd/api/v3': 'v3.6.16',
      'go.etcd.io/etcd/client/pkg/v3': 'v3.6.16',
      'go.etcd.io/etcd/client/v3': 'v3.6.16',
      'go.opentelemetry.io/otel': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc': 'v1.45.0',
      'go.opentelemetry.io/otel/metric': 'v1.45.0',
      'go.opentelemetry.io/otel/sdk': 'v1.45.0',
      'go.opentelemetry.io/otel/trace': 'v1.45.0',
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/text': 'v0.41.0',
      'google.golang.org/grpc': 'v1.83.2',
    },
    note: 'newest v1.36 patch served by the Go module proxy',
  },
  etcd: {
    id: 'etcd',
    version: 'v3.6.16',
    modules: ['go.etcd.io/etcd/server/v3', 'go.etcd.io/etcd/etcdctl/v3', 'go.etcd.io/etcd/etcdutl/v3'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'github.com/klauspost/compress': 'v1.20.2',
      'golang.org/x/net': 'v0.62.0',
    },
    note: 'Kubernetes 1.36 is validated against etcd 3.6; newest 3.6 patch',
  },
  containerd: {
    id: 'containerd',
    version: 'v2.4.2',
    modules: ['github.com/containerd/containerd/v2'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'github.com/cilium/ebpf': 'v0.22.0',
      'github.com/klauspost/compress': 'v1.20.2',
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
    },
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
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'github.com/cilium/ebpf': 'v0.22.0',
      'github.com/moby/sys/user': 'v0.4.1',
      'golang.org/x/net': 'v0.62.0',
    },
    note: 'newest release; cgroup v1 deprecated but maintained until at least May 2029 (runc#4955)',
  },
  'cni-plugins': {
    id: 'cni-plugins',
    version: 'v1.9.1',
    modules: ['github.com/containernetworking/plugins'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/sys': 'v0.44.0',
    },
  },
  flannel: {
    id: 'flannel',
    version: 'v0.28.10',
    modules: ['github.com/flannel-io/flannel'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
    },
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
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/text': 'v0.41.0',
      'google.golang.org/grpc': 'v1.83.2',
    },
  },
  'kube-router': {
    id: 'kube-router',
    version: 'v2.1.0',
    modules: ['github.com/cloudnativelabs/kube-router/v2'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    // kube-router's own two advisories (GO-2026-4724 proxy, GO-2026-5653 GoBGP) are in packages
    // this binary does not link: security/vex.yaml.
    goRequires: {
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/oauth2': 'v0.27.0',
      'golang.org/x/text': 'v0.41.0',
      'google.golang.org/protobuf': 'v1.33.0',
    },
    note:
      'the rfo-network-policy engine: only its network policy controller (iptables + ipset, what K3s embeds). ' +
      'The only version the module proxy serves; kube-network-policies (v0.7.0/v0.8.0 served) needs the nftables ' +
      '`queue` verdict, which kernels without CONFIG_NFT_QUEUE lack. go/kube-router/main.go runs the firewall only ' +
      'and picks the iptables backend the node uses',
  },
  helm: {
    id: 'helm',
    version: 'v4.3.2',
    modules: ['helm.sh/helm/v4'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
    },
    note:
      "Helm 4 (Helm 3's support ends; RKE2 and klipper-helm moved to 4). One multi-call binary: helm's own " +
      'root command, and as `entry` the HelmChart job entry written here (go/helm/entry*.go, the klipper-helm contract)',
  },
  'helm-controller': {
    id: 'helm-controller',
    version: 'v0.17.9',
    modules: ['github.com/k3s-io/helm-controller'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/net': 'v0.62.0',
    },
    note: 'the controller K3s and RKE2 embed (HelmChart, HelmChartConfig); newest served; runs on every server with leader election',
  },
  crictl: {
    id: 'crictl',
    version: 'v1.37.0',
    modules: ['sigs.k8s.io/cri-tools'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'golang.org/x/net': 'v0.62.0',
    },
    note:
      'upstream crictl, the whole CLI (exec, attach, pull, stats, port-forward...); CRI is versioned ' +
      'compatibly, and cri-tools 1.37 talks to containerd 2.4 as kubelet 1.36 does',
  },
  traefik: {
    id: 'traefik',
    version: 'v3.7.13',
    modules: ['github.com/traefik/traefik/v3'],
    license: 'MIT',
    goRequires: {
      // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
      'github.com/andybalholm/brotli': 'v1.2.7',
      'github.com/klauspost/compress': 'v1.20.2',
      // Not the OpenTelemetry log exporters' fixes (otlploggrpc, sdk/log v0.21.0): otel/log v0.21 changed the API
      // Traefik 3.7.13's own code uses; that code runs only with --experimental.otlpLogs (security/vex.yaml).
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp': 'v1.45.0',
      'golang.org/x/net': 'v0.62.0',
      // ACME DNS-provider SDKs (through go-acme/lego) at the versions upstream asks for are refused by
      // the proxy; these newer releases of the same major version are served (go/traefik/unavailable/README.md).
      'github.com/huaweicloud/huaweicloud-sdk-go-v3': 'v0.1.215',
      'github.com/sacloud/sacloud-sdk-go': 'v0.2.0',
      'github.com/ucloud/ucloud-sdk-go': 'v0.22.123',
      'github.com/yandex-cloud/go-sdk/services/dns': 'v0.0.96',
      'github.com/yandex-cloud/go-sdk/v2': 'v2.175.0',
    },
    // Replaces upstream's go.mod makes and a dependent module ignores (go/traefik/README.md says why each).
    goReplaces: {
      // A nested module of the traefik repository, left out of the module zip and refused by the proxy: our stand-in.
      'github.com/traefik/traefik/dynamic/ext': './unavailable/dynamic-ext',
      // Two ACME DNS-provider SDKs the proxy refuses in every version lego can use: stand-ins whose calls fail.
      'github.com/akamai/AkamaiOPEN-edgegrid-golang/v13': './unavailable/akamai-edgegrid',
      'github.com/nrdcg/oci-go-sdk/common/v1065': './unavailable/oci-common',
      'github.com/nrdcg/oci-go-sdk/dns/v1065': './unavailable/oci-dns',
      // Upstream's forks. The go-http-auth fork's newest commit (b975dcaa8c48, traefik#13636) is refused
      // by the proxy; its previous commit, which every Traefik up to v3.7.10 used, is served.
      'github.com/abbot/go-http-auth': 'github.com/containous/go-http-auth v0.4.1-0.20200324110947-a37a7636d23e',
      'github.com/gorilla/mux': 'github.com/containous/mux v0.0.0-20250523120546-41b6ec3aed59',
    },
    note:
      'the default ingress controller (rfo-traefik chart: DaemonSet, hostPorts 80/443, Ingress and Gateway API providers), ' +
      'as RKE2 v1.36+ after the ingress-nginx retirement; newest served. Built without the web UI (not in the module zip)',
  },
  'gateway-api': {
    id: 'gateway-api',
    version: 'v1.6.3',
    modules: [],
    license: 'Apache-2.0',
    // The standard channel's CRDs in the module zip; the chart is made from them at build time.
    data: { module: 'sigs.k8s.io/gateway-api', sum: 'h1:lKpJa5bGlraC/QeACvCpsHLdmO6y0iKfzVl6gzaFEYc=', dir: 'config/crd/standard' },
    note:
      'data only: the standard-channel CRDs (config/crd/standard/*.yaml of the module zip, fetched through the module ' +
      'proxy at build time and checked against data.sum) become the rfo-gateway-api-crds chart, as RKE2 v1.37 ' +
      'ships rke2-gateway-api-crd. v1.6.3: the newest that needs no Go 1.27 (v1.7.0 does), and what Traefik 3.7 implements',
  },
  'metrics-server': {
    id: 'metrics-server',
    version: 'v0.8.1',
    modules: ['sigs.k8s.io/metrics-server'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'go.opentelemetry.io/otel': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace': 'v1.45.0',
      'go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc': 'v1.45.0',
      'go.opentelemetry.io/otel/metric': 'v1.45.0',
      'go.opentelemetry.io/otel/sdk': 'v1.45.0',
      'go.opentelemetry.io/otel/trace': 'v1.45.0',
      'golang.org/x/crypto': 'v0.58.0',
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/text': 'v0.41.0',
      'google.golang.org/grpc': 'v1.83.2',
    },
    note:
      'rfo-metrics-server (kubectl top, HPA): newest approved v0.8 patch served by the module proxy ' +
      '(v0.9.x is served but not an approved release here)',
  },
  'local-path-provisioner': {
    id: 'local-path-provisioner',
    version: 'v0.0.37',
    modules: ['github.com/rancher/local-path-provisioner'],
    license: 'Apache-2.0',
    // Security floors (govulncheck findings, see security/README.md); MVS keeps the higher version.
    goRequires: {
      'github.com/klauspost/compress': 'v1.20.2',
      'golang.org/x/net': 'v0.62.0',
    },
    note:
      'rfo-local-path (the default StorageClass local-path, as in K3s): newest served (v0.0.36, 403 on the proxy, ' +
      'fixed GHSA-7fxv-8wr2-mfc4, helper pod template injection; v0.0.37 has the fix)',
  },
  busybox: {
    id: 'busybox',
    version: '1.35.0',
    modules: [],
    license: 'GPL-2.0-only',
    debian: {
      package: 'busybox-static',
      version: '1:1.35.0-4+deb12u1+b1',
      // Per arch, from Debian's signed index (apt-cache show busybox-static:<arch>=<version>);
      // bookworm has no riscv64, so a riscv64 runtime has no busybox image (and no rfo-local-path).
      sha256: {
        amd64: '3d3fdbe91d4660c873e14b092c213fe81c1da6362daa236eb25d0171eb108744',
        arm64: '732c9135564fc71337e0e05fb4da4d11e6c28c1834bce3e405e575afef2a52f5',
      },
    },
    note:
      "the shell of rfo-local-path's helper pod (mkdir/rm of volume directories): Debian 12's static busybox, " +
      'a C program no Go module provides; pinned by package version and .deb hash',
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
    // Security floors for the tool too (reported by npm run scan, not gated: tools are not shipped).
    goRequires: {
      'github.com/andybalholm/brotli': 'v1.2.7',
      'github.com/klauspost/compress': 'v1.20.2',
      'golang.org/x/net': 'v0.62.0',
    },
    tool: true,
    note: 'S3-compatible server (posix backend) for the snapshot tests and benchmark; newest on the module proxy',
  },
  cosign: {
    id: 'cosign',
    version: 'v3.1.3',
    modules: ['github.com/sigstore/cosign/v3'],
    license: 'Apache-2.0',
    // Security floors for the tool too (reported by npm run scan, not gated: tools are not shipped).
    goRequires: {
      'github.com/klauspost/compress': 'v1.20.2',
      'golang.org/x/net': 'v0.62.0',
      'golang.org/x/text': 'v0.41.0',
      'google.golang.org/grpc': 'v1.83.2',
    },
    tool: true,
    note: 'tool: verifies release signatures in the tests (cosign verify-blob --key), as users do',
  },
  govulncheck: {
    id: 'govulncheck',
    version: 'v1.9.0',
    modules: ['golang.org/x/vuln'],
    license: 'BSD-3-Clause',
    tool: true,
    note: 'tool: npm run scan checks every Go binary (govulncheck -mode binary) against the pinned vulnDatabase, offline',
  },
  conformance: {
    id: 'conformance',
    version: 'v1.36.3',
    modules: ['k8s.io/kubernetes'],
    license: 'Apache-2.0',
    tool: true,
    testTool: true,
    note:
      "tool: Kubernetes' own conformance suite (e2e.test, ginkgo at the version Kubernetes' go.mod requires) and agnhost, " +
      'from the same k8s.io/kubernetes module as the runtime, for `npm run conformance`; no security floors: the suite is built as upstream builds it',
  },
  'conformance-busybox': {
    id: 'conformance-busybox',
    version: '1.37.0',
    modules: [],
    license: 'GPL-2.0-only',
    // Debian's copy of the release tarball (the .orig of trixie's busybox source package):
    // byte-identical to busybox.net's busybox-1.37.0.tar.bz2, whose sha256 this is.
    sourceTarball: {
      url: 'http://deb.debian.org/debian/pool/main/b/busybox/busybox_1.37.0.orig.tar.bz2',
      sha256: '3311dff32e746499f4df0d5df04d7eb396382d7e108bb9250e7b519b837043a4',
      dir: 'busybox-1.37.0',
    },
    tool: true,
    testTool: true,
    note:
      "tool: busybox 1.37.0 built from its release tarball with upstream's defconfig (static), the userland of the conformance " +
      "stand-in images, as upstream's busybox image has it: its sh is ash without standalone applets, so `sh -c env` passes on " +
      "variables a shell cannot name (data-1) and a write to a read-only root says busybox's own message; Debian's busybox-static " +
      '(prefer applets) does neither',
  },
  'lab-registry': {
    id: 'lab-registry',
    version: 'v0.22.1',
    modules: ['github.com/google/go-containerregistry'],
    license: 'Apache-2.0',
    tool: true,
    testTool: true,
    note:
      "tool: the conformance lab's registry (go-containerregistry's pkg/registry, newest served) with our loader " +
      '(go/lab-registry/main.go): serves the stand-in images to the nodes through registries.yaml mirrors, for the ImageVolume spec (pull policy Always)',
  },
};

/**
 * The table a build uses: the default minor's, or the minor named by
 * RFO_BUILD_MINOR, which `npm run build:runtime -- --minor 1.35` and the
 * other build commands set before they load this module. Build time only: a
 * running rfo reads its versions from the staged runtime's manifest.
 */
export const components: Readonly<Record<ComponentId, Component>> = selectBuildTable(process.env.RFO_BUILD_MINOR);

function selectBuildTable(minor: string | undefined): Readonly<Record<ComponentId, Component>> {
  if (!minor || minor === defaultMinor) return pinnedComponents;
  if (!minorLine(minor)) throw new Error(`RFO_BUILD_MINOR=${minor} is not a maintained minor (${minorLines.map((l) => l.minor).join(', ')})`);
  return tableForMinor(pinnedComponents, minor);
}

/** The wrapper module directory name of a component (go/<name>). */
export function wrapperName(c: Component): string {
  return c.wrapper ?? c.id;
}

/** Kubernetes version without the leading v: 1.36.3. */
export function kubernetesVersion(): string {
  return components.kubernetes.version.replace(/^v/, '');
}

/** The release version rfo reports and ships under: v1.36.3+rfor1. */
export function rfoVersion(): string {
  return `${components.kubernetes.version}+rfor${rfoRevision}`;
}
