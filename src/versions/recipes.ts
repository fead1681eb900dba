// Build recipes: how each artifact of the runtime is made from the pinned
// sources in table.ts. Recipes are data; src/build/ turns them into commands.
// Placeholders in -X values: {version} (as pinned, e.g. v1.36.3), {semver}
// (without the leading v), {major}, {minor}, {k8sMajor}, {k8sMinor} (of the
// pinned Kubernetes), {buildDate} (the module's publication time from the
// module proxy, so builds stay reproducible).

import { components } from './table.ts';
import type { Arch, ComponentId } from './table.ts';

export interface GoBinaryRecipe {
  readonly kind: 'go-binary';
  /** File name under the runtime's bin/. */
  readonly name: string;
  readonly component: ComponentId;
  /** Import path to build, or '.' for the wrapper module's own main package. */
  readonly package: string;
  /** false: CGO_ENABLED=0. 'static': cgo, linked statically (runc's nsenter needs C). */
  readonly cgo: false | 'static';
  /** Use cgo only on these arches (upstream code that needs C on some arches only). */
  readonly cgoOnlyOn?: readonly Arch[];
  readonly tags: readonly string[];
  /** -X importpath.name=value settings. */
  readonly xflags: Readonly<Record<string, string>>;
  /** Extra names this multi-call binary answers to; symlinked beside it in bin/. */
  readonly aliases?: readonly string[];
  /** How to ask it for its version, and what the answer must contain. */
  readonly versionCheck: { readonly args: readonly string[]; readonly expect: string };
  /**
   * A test binary (`go test -c`) of a package's tests, not a main package:
   * Kubernetes' e2e.test. Not a `tool` directive of the wrapper module.
   */
  readonly testBinary?: boolean;
}

export interface CBinaryRecipe {
  readonly kind: 'c-binary';
  readonly name: string;
  readonly component: ComponentId;
  /** A C file inside a pinned Go module's source (the module zip is the source archive). */
  readonly source: { readonly component: ComponentId; readonly path: string };
  readonly cflags: readonly string[];
  readonly versionCheck: { readonly args: readonly string[]; readonly expect: string };
}

/** A file taken from the Debian package pinned in the component's `debian` entry (table.ts). */
export interface DebBinaryRecipe {
  readonly kind: 'deb-binary';
  readonly name: string;
  readonly component: ComponentId;
  /** The file's path inside the package, e.g. /bin/busybox. */
  readonly file: string;
  readonly versionCheck: { readonly args: readonly string[]; readonly expect: string };
}

/**
 * A C program built with its own make from the release tarball pinned in the
 * component's `sourceTarball` (table.ts): `make <config>` writes .config,
 * `set` overrides options in it, `make` builds `output`.
 */
export interface MakeBinaryRecipe {
  readonly kind: 'make-binary';
  readonly name: string;
  readonly component: ComponentId;
  readonly config: string;
  readonly set: Readonly<Record<string, 'y' | 'n'>>;
  /** The built file, relative to the source directory. */
  readonly output: string;
  readonly versionCheck: { readonly args: readonly string[]; readonly expect: string };
}

export type BinaryRecipe = GoBinaryRecipe | CBinaryRecipe | DebBinaryRecipe | MakeBinaryRecipe;

export interface ImageFile {
  /** Binary name from the runtime's bin/. */
  readonly from: string;
  readonly to: string;
  readonly mode: number;
  /** File capabilities (setcap), written as the security.capability xattr. */
  readonly capabilities?: readonly LinuxCapability[];
}

export type LinuxCapability = 'CAP_NET_BIND_SERVICE';

/**
 * Files an image takes from a pinned Debian package (debian-packages.ts):
 * each path is a file or symlink of the package, or a directory (ending in
 * "/") whose whole contents are taken. "{triplet}" is the arch's multiarch
 * directory (x86_64-linux-gnu).
 */
export interface ImageDebianFiles {
  readonly package: string;
  readonly paths: readonly string[];
  /** Only for these arches (e.g. the dynamic loader's path differs by arch). */
  readonly arches?: readonly Arch[];
}

export interface ImageRecipe {
  readonly kind: 'image';
  /** The exact reference manifests use; images are imported under this name. */
  readonly ref: string;
  readonly component: ComponentId;
  readonly files: readonly ImageFile[];
  /** Symbolic links in the image (path → target). */
  readonly symlinks?: readonly { readonly path: string; readonly target: string }[];
  /** Userland from pinned Debian packages (iptables, ipset, glibc): no Go module has it. */
  readonly debianFiles?: readonly ImageDebianFiles[];
  /** Directories with their own mode or owner (a home directory for a non-root user). */
  readonly dirs?: readonly { readonly path: string; readonly mode: number; readonly uid?: number; readonly gid?: number }[];
  readonly config: {
    readonly entrypoint?: readonly string[];
    readonly cmd?: readonly string[];
    readonly user?: string;
    readonly env?: readonly string[];
    readonly exposedPorts?: readonly string[];
  };
}

const k8sVersionX = (pkg: string): Record<string, string> => ({
  [`${pkg}.gitVersion`]: '{version}',
  [`${pkg}.gitMajor`]: '{major}',
  [`${pkg}.gitMinor`]: '{minor}',
  [`${pkg}.gitTreeState`]: 'clean',
  [`${pkg}.buildDate`]: '{buildDate}',
});

export const binaryRecipes: readonly BinaryRecipe[] = [
  {
    kind: 'go-binary',
    name: 'kubernetes',
    component: 'kubernetes',
    package: '.',
    cgo: false,
    tags: [],
    xflags: { ...k8sVersionX('k8s.io/component-base/version'), ...k8sVersionX('k8s.io/client-go/pkg/version') },
    aliases: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl'],
    versionCheck: { args: ['kubelet', '--version'], expect: 'Kubernetes {version}' },
  },
  ...(['etcd', 'etcdctl', 'etcdutl'] as const).map(
    (name): GoBinaryRecipe => ({
      kind: 'go-binary',
      name,
      component: 'etcd',
      package: name === 'etcd' ? 'go.etcd.io/etcd/server/v3' : `go.etcd.io/etcd/${name}/v3`,
      cgo: false,
      tags: [],
      xflags: { 'go.etcd.io/etcd/api/v3/version.GitSHA': '{version}' },
      versionCheck: { args: name === 'etcd' ? ['--version'] : ['version'], expect: '{semver}' },
    }),
  ),
  ...(
    [
      ['containerd', 'cmd/containerd', ['urfave_cli_no_docs']],
      // The shim does not serve gRPC; upstream builds it with no_grpc.
      ['containerd-shim-runc-v2', 'cmd/containerd-shim-runc-v2', ['urfave_cli_no_docs', 'no_grpc']],
      ['ctr', 'cmd/ctr', ['urfave_cli_no_docs']],
    ] as const
  ).map(
    ([name, dir, tags]): GoBinaryRecipe => ({
      kind: 'go-binary',
      name,
      component: 'containerd',
      package: `github.com/containerd/containerd/v2/${dir}`,
      // Pure Go: the btrfs snapshotter (the only cgo part) drops out by its own build constraint.
      cgo: false,
      tags,
      xflags: {
        'github.com/containerd/containerd/v2/version.Version': '{version}',
        'github.com/containerd/containerd/v2/version.Package': 'github.com/containerd/containerd/v2',
      },
      versionCheck: { args: ['--version'], expect: '{version}' },
    }),
  ),
  {
    kind: 'go-binary',
    name: 'runc',
    component: 'runc',
    package: 'github.com/opencontainers/runc',
    cgo: 'static',
    // Upstream `make static` minus libpathrs (a Rust library Debian does not
    // package; runc falls back to its pure-Go path handling). The version
    // comes from runc's embedded VERSION file.
    tags: ['seccomp', 'urfave_cli_no_docs', 'netgo', 'osusergo'],
    xflags: {},
    versionCheck: { args: ['--version'], expect: 'runc version {semver}' },
  },
  ...(
    [
      ['bridge', 'plugins/main/bridge'],
      ['host-local', 'plugins/ipam/host-local'],
      ['loopback', 'plugins/main/loopback'],
      ['portmap', 'plugins/meta/portmap'],
      ['bandwidth', 'plugins/meta/bandwidth'],
    ] as const
  ).map(
    ([name, dir]): GoBinaryRecipe => ({
      kind: 'go-binary',
      name,
      component: 'cni-plugins',
      package: `github.com/containernetworking/plugins/${dir}`,
      cgo: false,
      tags: [],
      xflags: { 'github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion': '{version}' },
      versionCheck: { args: ['--version'], expect: 'plugin {version}' },
    }),
  ),
  {
    kind: 'go-binary',
    name: 'flanneld',
    component: 'flannel',
    package: 'github.com/flannel-io/flannel',
    // The UDP backend is C on amd64 only (as upstream builds it); vxlan needs none.
    cgo: 'static',
    cgoOnlyOn: ['amd64'],
    tags: [],
    xflags: { 'github.com/flannel-io/flannel/pkg/version.Version': '{version}' },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'coredns',
    component: 'coredns',
    package: 'github.com/coredns/coredns',
    cgo: false,
    tags: ['grpcnotrace'], // upstream's default GOTAGS
    xflags: { 'github.com/coredns/coredns/coremain.GitCommit': '{version}' },
    versionCheck: { args: ['-version'], expect: 'CoreDNS-{semver}' },
  },
  {
    kind: 'go-binary',
    name: 'kube-router',
    component: 'kube-router',
    // go/kube-router: kube-router's network policy controller alone (its
    // firewall run path), the iptables backend choice, and a netlink ipset
    // cleanup for rfo killall.
    package: '.',
    cgo: false,
    tags: [],
    xflags: { 'github.com/cloudnativelabs/kube-router/v2/pkg/version.Version': '{version}', 'github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate': '{buildDate}' },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'helm',
    component: 'helm',
    // go/helm/main.go: helm's own root command (as upstream's cmd/helm runs it), and the
    // HelmChart job entry when called as `entry` (the job image's entrypoint).
    package: '.',
    cgo: false,
    tags: [],
    xflags: {
      'helm.sh/helm/v4/internal/version.version': '{version}',
      'helm.sh/helm/v4/internal/version.metadata': '',
      'helm.sh/helm/v4/internal/version.gitTreeState': 'clean',
    },
    versionCheck: { args: ['version', '--short'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'helm-controller',
    component: 'helm-controller',
    package: 'github.com/k3s-io/helm-controller',
    cgo: false,
    tags: [],
    xflags: { 'github.com/k3s-io/helm-controller/pkg/version.Version': '{version}', 'github.com/k3s-io/helm-controller/pkg/version.GitCommit': '{version}' },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'crictl',
    component: 'crictl',
    package: 'sigs.k8s.io/cri-tools/cmd/crictl',
    cgo: false, // upstream's Makefile default (CGO_ENABLED ?= 0)
    tags: [],
    xflags: { 'sigs.k8s.io/cri-tools/pkg/version.Version': '{version}' },
    versionCheck: { args: ['--version'], expect: 'crictl version {version}' },
  },
  {
    kind: 'go-binary',
    name: 'metrics-server',
    component: 'metrics-server',
    package: 'sigs.k8s.io/metrics-server/cmd/metrics-server',
    cgo: false, // upstream's Makefile: CGO_ENABLED=0
    tags: [],
    // upstream's VERSION_LDFLAGS (its Makefile sets PKG=k8s.io/client-go/pkg)
    xflags: {
      'k8s.io/client-go/pkg/version.gitVersion': '{version}',
      'k8s.io/client-go/pkg/version.gitCommit': '{version}',
      'k8s.io/client-go/pkg/version.gitTreeState': 'clean',
      'k8s.io/client-go/pkg/version.buildDate': '{buildDate}',
    },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'local-path-provisioner',
    component: 'local-path-provisioner',
    package: 'github.com/rancher/local-path-provisioner',
    cgo: false, // upstream's scripts/build: CGO_ENABLED=0
    tags: [],
    xflags: { 'main.VERSION': '{version}' },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    // Not built: Debian's static busybox, fetched as the pinned .deb (see table.ts busybox.debian).
    kind: 'deb-binary',
    name: 'busybox',
    component: 'busybox',
    file: '/bin/busybox',
    versionCheck: { args: ['--help'], expect: 'BusyBox v{semver}' },
  },
  {
    kind: 'go-binary',
    name: 'traefik',
    component: 'traefik',
    package: 'github.com/traefik/traefik/v3/cmd/traefik',
    cgo: false, // upstream's Makefile and goreleaser: CGO_ENABLED=0
    tags: [],
    // Upstream's -X settings (Makefile); the codename is v3.7's (.github/workflows/release.yaml).
    xflags: {
      'github.com/traefik/traefik/v3/pkg/version.Version': '{semver}',
      'github.com/traefik/traefik/v3/pkg/version.Codename': 'langres',
      'github.com/traefik/traefik/v3/pkg/version.BuildDate': '{buildDate}',
    },
    versionCheck: { args: ['version'], expect: 'Version:      {semver}' },
  },
  {
    kind: 'go-binary',
    name: 'versitygw',
    component: 'versitygw',
    package: 'github.com/versity/versitygw/cmd/versitygw',
    cgo: false,
    tags: [],
    xflags: { 'main.Version': '{version}', 'main.Build': '{version}', 'main.BuildTime': '{buildDate}' },
    versionCheck: { args: ['--version'], expect: 'Version  : {version}' },
  },
  {
    kind: 'go-binary',
    name: 'cosign',
    component: 'cosign',
    package: 'github.com/sigstore/cosign/v3/cmd/cosign',
    cgo: false,
    tags: [],
    xflags: { 'sigs.k8s.io/release-utils/version.gitVersion': '{version}' },
    versionCheck: { args: ['version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'govulncheck',
    component: 'govulncheck',
    package: 'golang.org/x/vuln/cmd/govulncheck',
    cgo: false,
    tags: [],
    // govulncheck takes its version from the main module's build info, which
    // is our wrapper; the pinned x/vuln version is in the manifest and in
    // `go version -m`. Its usage line is what it can print without a database.
    xflags: {},
    versionCheck: { args: ['-h'], expect: 'Govulncheck reports known vulnerabilities' },
  },
  // The conformance suite (a tool): Kubernetes' e2e.test with the version
  // stamps its log prints, ginkgo (the CLI that runs it, serial specs last),
  // and agnhost, the test image binary most conformance specs run.
  {
    kind: 'go-binary',
    name: 'e2e.test',
    component: 'conformance',
    package: 'k8s.io/kubernetes/test/e2e',
    testBinary: true,
    cgo: false,
    tags: [],
    xflags: { ...k8sVersionX('k8s.io/component-base/version'), ...k8sVersionX('k8s.io/client-go/pkg/version') },
    versionCheck: { args: ['--version'], expect: '{version}' },
  },
  {
    kind: 'go-binary',
    name: 'ginkgo',
    component: 'conformance',
    package: 'github.com/onsi/ginkgo/v2/ginkgo',
    cgo: false,
    tags: [],
    xflags: {},
    versionCheck: { args: ['version'], expect: 'Ginkgo Version' },
  },
  {
    kind: 'go-binary',
    name: 'agnhost',
    component: 'conformance',
    package: 'k8s.io/kubernetes/test/images/agnhost',
    cgo: false,
    tags: [],
    // Upstream stamps its image version (test/images/agnhost/VERSION); ours says what it is built from.
    xflags: { 'main.Version': 'rfo-{version}' },
    versionCheck: { args: ['--version'], expect: 'rfo-{version}' },
  },
  {
    // The aggregator spec's extension API server (Kubernetes' staging module, at the version its go.mod pins).
    kind: 'go-binary',
    name: 'sample-apiserver',
    component: 'conformance',
    package: 'k8s.io/sample-apiserver',
    cgo: false,
    tags: [],
    xflags: {},
    versionCheck: { args: ['--help'], expect: 'etcd-servers' },
  },
  {
    // The nonewprivs test image's program: prints its effective uid (setuid root in the image).
    kind: 'go-binary',
    name: 'nnp',
    component: 'conformance',
    package: 'k8s.io/kubernetes/test/images/nonewprivs',
    cgo: false,
    tags: [],
    xflags: {},
    versionCheck: { args: [], expect: 'Effective uid:' },
  },
  {
    // The conformance lab's registry: go-containerregistry's pkg/registry and our layout loader (go/lab-registry).
    kind: 'go-binary',
    name: 'lab-registry',
    component: 'lab-registry',
    package: '.',
    cgo: false,
    tags: [],
    xflags: { 'main.version': '{version}' },
    versionCheck: { args: ['--version'], expect: 'go-containerregistry {version}' },
  },
  {
    // Upstream's defconfig, linked statically (an image with no libc): the conformance images' userland.
    kind: 'make-binary',
    name: 'busybox-defconfig',
    component: 'conformance-busybox',
    config: 'defconfig',
    set: { CONFIG_STATIC: 'y' },
    output: 'busybox',
    versionCheck: { args: ['--help'], expect: 'BusyBox v{semver}' },
  },
  {
    kind: 'c-binary',
    name: 'pause',
    component: 'pause',
    source: { component: 'kubernetes', path: 'build/pause/linux/pause.c' },
    cflags: ['-Os', '-Wall', '-Werror', '-static', '-DVERSION=v{version}-rfo'],
    versionCheck: { args: ['-v'], expect: 'v{version}-rfo' },
  },
];

/**
 * The busybox applets the helper image links (what local-path's setup and
 * teardown scripts use, plus the usual tools for a user's own scripts).
 */
const busyboxApplets = ['sh', 'ash', 'mkdir', 'rm', 'rmdir', 'chmod', 'chown', 'ls', 'cat', 'echo', 'test', '[', 'sleep', 'stat', 'du', 'df', 'touch', 'cp', 'mv', 'ln', 'find', 'true', 'false', 'env', 'id', 'printf', 'sync'];

/** An image tag from a Debian version: 1:1.35.0-4+deb12u1+b1 → 1.35.0-4-deb12u1-b1 (no epoch; '+' is not allowed in tags). */
export function debianImageTag(version: string): string {
  return version.replace(/^\d+:/, '').replace(/[^A-Za-z0-9_.-]/g, '-');
}

export const imageRecipes: readonly ImageRecipe[] = [
  {
    kind: 'image',
    ref: `registry.k8s.io/pause:${components.pause.version}`,
    component: 'pause',
    files: [{ from: 'pause', to: '/pause', mode: 0o755 }],
    config: { entrypoint: ['/pause'], user: '65535:65535' },
  },
  {
    kind: 'image',
    ref: `registry.k8s.io/coredns/coredns:${components.coredns.version}`,
    component: 'coredns',
    files: [{ from: 'coredns', to: '/coredns', mode: 0o755, capabilities: ['CAP_NET_BIND_SERVICE'] }],
    config: { entrypoint: ['/coredns'], user: '65532:65532', exposedPorts: ['53/tcp', '53/udp', '9153/tcp'] },
  },
  {
    // The rfo-traefik chart's image: the traefik binary alone, on scratch. It
    // runs as 65532 (upstream's chart default) and binds the entrypoints'
    // unprivileged ports 8000/8443 (hostPorts 80/443 on the node), so it needs
    // no capability; TLS to Kubernetes uses the service account's CA.
    kind: 'image',
    ref: `docker.io/rfo/traefik:${components.traefik.version}`,
    component: 'traefik',
    files: [{ from: 'traefik', to: '/usr/local/bin/traefik', mode: 0o755 }],
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { entrypoint: ['/usr/local/bin/traefik'], user: '65532:65532', exposedPorts: ['8000/tcp', '8443/tcp', '8080/tcp'] },
  },
  {
    // The HelmChart job image (helm-controller's --default-job-image): our helm
    // binary, run as `entry` (go/helm/entry.go keeps klipper-helm's contract).
    // uid 1000 as klipper-helm; the job mounts emptyDirs on /tmp and on the
    // home's .cache/.config/.helm, so the root file system stays read-only.
    kind: 'image',
    ref: `docker.io/rfo/klipper-helm:${components.helm.version}`,
    component: 'helm',
    files: [{ from: 'helm', to: '/usr/bin/helm', mode: 0o755 }],
    symlinks: [{ path: '/usr/bin/entry', target: 'helm' }],
    dirs: [
      { path: '/home/klipper-helm', mode: 0o755, uid: 1000, gid: 1000 },
      { path: '/tmp', mode: 0o1777 },
    ],
    config: {
      entrypoint: ['/usr/bin/entry'],
      user: '1000:1000',
      env: [
        'PATH=/usr/bin',
        'HOME=/home/klipper-helm',
        // Chart repositories served inside the cluster are trusted through its CA (repoCA adds more), as klipper-helm does.
        'SSL_CERT_FILE=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      ],
    },
  },
  {
    kind: 'image',
    ref: `registry.k8s.io/metrics-server/metrics-server:${components['metrics-server'].version}`,
    component: 'metrics-server',
    files: [{ from: 'metrics-server', to: '/metrics-server', mode: 0o755 }],
    // upstream's image: distroless static, USER 65534, ENTRYPOINT /metrics-server
    config: { entrypoint: ['/metrics-server'], user: '65534:65534' },
  },
  {
    kind: 'image',
    ref: `docker.io/rancher/local-path-provisioner:${components['local-path-provisioner'].version}`,
    component: 'local-path-provisioner',
    // upstream's image: scratch with the binary at /usr/bin (its Deployment runs `local-path-provisioner` from PATH)
    files: [{ from: 'local-path-provisioner', to: '/usr/bin/local-path-provisioner', mode: 0o755 }],
    config: { cmd: ['/usr/bin/local-path-provisioner'], env: ['PATH=/usr/bin:/bin'] },
  },
  {
    // The helper pod local-path-provisioner runs to create and remove volume directories.
    kind: 'image',
    ref: `docker.io/rfo/busybox:${debianImageTag(components.busybox.debian?.version ?? components.busybox.version)}`,
    component: 'busybox',
    files: [{ from: 'busybox', to: '/bin/busybox', mode: 0o755 }],
    symlinks: busyboxApplets.map((a) => ({ path: `/bin/${a}`, target: 'busybox' })),
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { cmd: ['sh'], env: ['PATH=/bin'] },
  },
  {
    // rfo-network-policy: kube-router's policy controller with the iptables
    // and ipset it runs (both iptables backends; the wrapper puts the node's
    // one first on PATH through /usr/lib/rfo-iptables/<mode>).
    kind: 'image',
    ref: `docker.io/rfo/kube-router:${components['kube-router'].version}`,
    component: 'kube-router',
    files: [{ from: 'kube-router', to: '/usr/bin/kube-router', mode: 0o755 }],
    debianFiles: [
      { package: 'iptables', paths: ['/usr/sbin/xtables-nft-multi', '/usr/sbin/xtables-legacy-multi', '/usr/lib/{triplet}/xtables/'] },
      { package: 'libxtables12', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libip4tc2', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libip6tc2', paths: ['/usr/lib/{triplet}/'] },
      { package: 'ipset', paths: ['/usr/sbin/ipset'] },
      { package: 'libipset13', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libnftnl11', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libmnl0', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libnetfilter-conntrack3', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libnfnetlink0', paths: ['/usr/lib/{triplet}/'] },
      { package: 'libc6', paths: ['/lib/{triplet}/libc.so.6', '/lib/{triplet}/libm.so.6', '/lib/{triplet}/ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2'], arches: ['amd64'] },
      // The dynamic loader has another name and place on arm64 (the binaries' PT_INTERP).
      { package: 'libc6', paths: ['/lib/{triplet}/libc.so.6', '/lib/{triplet}/libm.so.6', '/lib/{triplet}/ld-linux-aarch64.so.1', '/lib/ld-linux-aarch64.so.1'], arches: ['arm64'] },
      { package: 'netbase', paths: ['/etc/protocols', '/etc/services'] },
    ],
    symlinks: (['nft', 'legacy'] as const).flatMap((mode) =>
      ['iptables', 'iptables-save', 'iptables-restore', 'ip6tables', 'ip6tables-save', 'ip6tables-restore'].map((name) => ({
        path: `/usr/lib/rfo-iptables/${mode}/${name}`,
        target: `/usr/sbin/xtables-${mode}-multi`,
      })),
    ),
    config: { entrypoint: ['/usr/bin/kube-router'], env: ['PATH=/usr/sbin:/usr/bin'] },
  },
];

/** Whether this recipe compiles C for the given arch (then it needs a C toolchain for it). */
export function usesCgo(recipe: GoBinaryRecipe, arch: Arch): boolean {
  if (recipe.cgo === false) return false;
  return recipe.cgoOnlyOn === undefined || recipe.cgoOnlyOn.includes(arch);
}

/** Whether this recipe links libseccomp on this arch (runc's seccomp tag, with cgo). */
export function linksSeccomp(recipe: GoBinaryRecipe, arch: Arch): boolean {
  return usesCgo(recipe, arch) && recipe.tags.includes('seccomp');
}

export function recipesFor(component: ComponentId): BinaryRecipe[] {
  return binaryRecipes.filter((r) => r.component === component);
}

export type { Arch };
