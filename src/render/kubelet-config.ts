// Pure: the KubeletConfiguration file. On cgroup v1 hosts kubelet 1.35+
// refuses to start unless failCgroupV1 is false, and hosts whose PID 1 is not
// systemd need the cgroupfs driver; both are facts the caller detects.

import { stringify } from 'yaml';
import { strongTlsCipherSuites } from './tls-cipher-suites.ts';

export interface KubeletConfigInput {
  readonly address: string;
  readonly clientCaFile: string;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly clusterDns: string;
  readonly clusterDomain: string;
  readonly containerdSocket: string;
  readonly resolvConf: string;
  readonly cgroupDriver: 'cgroupfs' | 'systemd';
  readonly cgroupV1: boolean;
  readonly podLogDir: string;
  /** profile: cis — the kubelet settings of CIS section 4.2 (see below). */
  readonly hardened?: boolean;
}

/** Under the cis profile: the pod PID limit (CIS 4.2.13), high enough for any sane pod, low enough that a fork bomb stays in its pod. */
export const cisPodPidsLimit = 4096;

/**
 * CIS 4.2 settings kubelet's defaults do not meet: refuse to run with kernel
 * parameters other than its own (protectKernelDefaults, the host was checked
 * for them before), RuntimeDefault seccomp for every container that names
 * none (4.2.14), a PID limit per pod (4.2.13), RKE2's TLS cipher suites
 * (4.2.12), and the event QPS written out (4.2.8; kubelet's default, which
 * RKE2 runs with: an explicit, nonzero limit).
 */
function hardenedSettings(): Record<string, unknown> {
  return {
    protectKernelDefaults: true,
    seccompDefault: true,
    podPidsLimit: cisPodPidsLimit,
    tlsCipherSuites: [...strongTlsCipherSuites],
    eventRecordQPS: 50,
    eventBurst: 100,
  };
}

export function renderKubeletConfig(c: KubeletConfigInput): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: c.address,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true, cacheTTL: '2m0s' }, x509: { clientCAFile: c.clientCaFile } },
    authorization: { mode: 'Webhook' },
    tlsCertFile: c.tlsCertFile,
    tlsPrivateKeyFile: c.tlsKeyFile,
    clusterDNS: [c.clusterDns],
    clusterDomain: c.clusterDomain,
    containerRuntimeEndpoint: `unix://${c.containerdSocket}`,
    resolvConf: c.resolvConf,
    cgroupDriver: c.cgroupDriver,
    ...(c.cgroupV1 ? { failCgroupV1: false } : {}),
    podLogsDir: c.podLogDir,
    failSwapOn: true, // preflight refuses hosts with swap on, with the fix
    serializeImagePulls: false,
    // Images come from the airgap archive, not a registry: never collect them.
    imageGCHighThresholdPercent: 100,
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '5%', 'imagefs.available': '5%' },
    // Both certificates rotate through the CSR API (README "Certificates"): the
    // client one is signed by kube-controller-manager with client-ca once the
    // node's own request is auto-approved (RBAC selfnodeclient), the serving
    // one with kubelet-ca once rfo's approver checked its names. rfo's files
    // (tlsCertFile, the kubeconfig's certificate) are what kubelet starts with;
    // its own rotated pair goes to <root-dir>/pki.
    rotateCertificates: true,
    serverTLSBootstrap: true,
    staticPodPath: '',
    ...(c.hardened ? hardenedSettings() : {}),
  });
}
