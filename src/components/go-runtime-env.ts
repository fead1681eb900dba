// Pure: the environment of the Go components rfo runs on the host (etcd, the
// control plane, kubelet, kube-proxy, containerd and its shims, flanneld,
// helm-controller).
//
// GOGC=25: Go lets the heap grow to 1.25× what is live before it collects,
// instead of 2×. A control plane idles most of its life and its heaps are
// mostly long-lived data (kube-apiserver: ~150 MiB of OpenAPI specs, CRD
// serving info, CEL programs and watch caches with every add-on), so the
// extra collections cost little CPU, and memory is what small openEuler
// nodes run short of. Measured with bench:server on a server with every
// default add-on, each step against the one before in the same run:
//   - GOGC=50 for everything: idle PSS 1228 → 1072 MiB (kube-apiserver 409 → 289 MiB);
//   - 25 for kube-apiserver and kube-controller-manager: 1090 → 1037 MiB, idle CPU
//     unchanged, and bench:secrets under write load showed no cost (Secret writes
//     p50/p99 5.4/15.9 → 5.4/15.1 ms);
//   - 25 for the rest (etcd, kubelet, containerd, kube-scheduler, kube-proxy,
//     helm-controller): see README "Memory"; etcd −4, kubelet −4, containerd −2 MiB.
// The add-on containers keep GOGC=50 (chart-spec.ts): their heaps are a few MiB,
// where 25 measured no gain, and CoreDNS and Traefik serve the data path.
// An operator who prefers CPU sets it back per component with RKE2's
// `<component>-extra-env` (e.g. `kube-apiserver-extra-env: [GOGC=100]`), which
// also carries any other variable (GOMEMLIMIT, GODEBUG, proxies).

export const defaultGoRuntimeEnv: Readonly<Record<string, string>> = { GOGC: '25' };

/** `KEY=VALUE` items (already validated as key-value by the flag table) over rfo's defaults. */
export function planGoRuntimeEnv(extraEnv: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = { ...defaultGoRuntimeEnv };
  for (const item of extraEnv) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return env;
}
