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

/** `KEY=VALUE` items (already validated as key-value by the flag table) over rfo's defaults. */
export function planGoRuntimeEnv(extraEnv: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = { ...defaultGoRuntimeEnv };
  for (const item of extraEnv) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return env;
}
