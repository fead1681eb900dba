// Pure data: which component uses each leaf certificate rfo manages (by its
// file under server/tls or agent/, without .crt), and which kubeconfigs embed
// it. The renewal loop restarts or reloads exactly these. Kept apart so the
// certificate inventory of `rfo certificate` (issue 14) can replace it.

export type Reload = 'supervisor-listener' | 'rfo-client';

export interface CertConsumer {
  /** Components (processes) restarted when the certificate changes. */
  readonly restart: readonly string[];
  /** Reloaded in place instead (no restart). */
  readonly reload?: Reload;
  /** Kubeconfigs (server/cred or agent/ file names) that embed the certificate. */
  readonly kubeconfigs?: readonly string[];
}

export const certConsumers: Readonly<Record<string, CertConsumer>> = {
  'serving-kube-apiserver': { restart: ['kube-apiserver'] },
  'client-kube-apiserver': { restart: ['kube-apiserver'] },
  'client-auth-proxy': { restart: ['kube-apiserver'] },
  'etcd/client': { restart: ['kube-apiserver'] }, // rfo's own etcdctl calls read the files each time
  'etcd/server-client': { restart: ['etcd'] },
  'etcd/peer-server-client': { restart: ['etcd'] },
  'serving-supervisor': { restart: [], reload: 'supervisor-listener' },
  'client-admin': { restart: [], reload: 'rfo-client', kubeconfigs: ['admin.kubeconfig'] },
  'client-supervisor': { restart: [] }, // issued as RKE2 does; no process uses it
  'client-controller': { restart: ['kube-controller-manager'], kubeconfigs: ['controller.kubeconfig'] },
  'client-scheduler': { restart: ['kube-scheduler'], kubeconfigs: ['scheduler.kubeconfig'] },
  'client-helm-controller': { restart: ['helm-controller'], kubeconfigs: ['helm-controller.kubeconfig'] },
  // kubelet rotates its own pair through the CSR API; rfo's files are what it
  // starts from, so a kubelet whose own certificate lapsed restarts with a valid one.
  'serving-kubelet': { restart: ['kubelet'] },
  'client-kubelet': { restart: ['kubelet'], kubeconfigs: ['kubelet.kubeconfig'] },
  'client-kube-proxy': { restart: ['kube-proxy'], kubeconfigs: ['kubeproxy.kubeconfig'] },
  'client-flannel': { restart: ['flanneld'], kubeconfigs: ['flannel.kubeconfig'] },
};
