// Pure: the environment of the Go components rfo runs on the host (etcd, the
// control plane, kubelet, kube-proxy, containerd, flanneld, helm-controller).
//
// GOGC=50 by default: Go lets the heap grow to 1.5× what is live before it
// collects, instead of 2×. A control plane idles most of its life, so the
// extra collections cost little CPU, and memory is what small openEuler nodes
// run short of: measured on a server with every default add-on, idle PSS
// 1228 → 1072 MiB (kube-apiserver 409 → 289 MiB). An operator who prefers
// CPU sets it back per component with RKE2's `<component>-extra-env`
// (e.g. `kube-apiserver-extra-env: [GOGC=100]`), which also carries any other
// variable (GOMEMLIMIT, GODEBUG, proxies).

export const defaultGoRuntimeEnv: Readonly<Record<string, string>> = { GOGC: '50' };

/**
 * GOGC=25 where the heap is biggest and mostly long-lived: kube-apiserver
 * (~150 MiB live at idle with every add-on: OpenAPI specs, CRD serving info,
 * CEL programs, watch caches) and kube-controller-manager (its informers).
 * bench:server (2026-12-06, baseline in the same run): idle PSS of the whole server 1090 → 1037 MiB
 * (kube-apiserver 300 → 257, kube-controller-manager 75 → 67) at the same idle
 * CPU (kube-apiserver 3.3 → 3.5 % of a core); bench:secrets under write load:
 * p50/p99 Secret writes 5.4/15.9 → 5.4/15.1 ms, 2,013 Secrets reencrypted in
 * 8.8 → 5.9 s, i.e. no cost above the noise. `<component>-extra-env` still wins.
 */
const componentGoGc: Readonly<Record<string, string>> = { 'kube-apiserver': '25', 'kube-controller-manager': '25' };

/** `KEY=VALUE` items (already validated as key-value by the flag table) over rfo's defaults for `component`. */
export function planGoRuntimeEnv(extraEnv: readonly string[] = [], component?: string): Record<string, string> {
  const gogc = component ? componentGoGc[component] : undefined;
  const env: Record<string, string> = { ...defaultGoRuntimeEnv, ...(gogc ? { GOGC: gogc } : {}) };
  for (const item of extraEnv) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return env;
}
