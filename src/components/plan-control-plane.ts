// Pure: the process specs of a server's control plane — etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler — from the node's
// settings and paths. Flags follow what kubeadm and RKE2 run, with TLS
// everywhere and loopback-only metrics/health ports.

import { join } from 'node:path';
import { mergeArgs } from '../supervisor/process-spec.ts';
import type { ArgMap, ProcessSpec } from '../supervisor/process-spec.ts';
import { strongTlsCipherSuites } from '../render/tls-cipher-suites.ts';
import { planGoRuntimeEnv } from './go-runtime-env.ts';

/**
 * profile: cis (README "CIS hardened profile"): the files rfo writes for it
 * and the account etcd runs as. Absent: rfo's defaults, unchanged.
 */
export interface ControlPlaneHardening {
  /** AdmissionConfiguration: Pod Security `restricted` by default, EventRateLimit. */
  readonly admissionConfigFile: string;
  readonly auditPolicyFile: string;
  readonly auditLogPath: string;
  /** user and group etcd; undefined only in a dry run on a host without them. */
  readonly etcdUser?: { readonly uid: number; readonly gid: number };
  /** The TLS files etcd reads (given to the etcd user before each start). */
  readonly etcdTlsFiles: readonly string[];
}

export interface ControlPlaneInput {
  readonly binDir: string;
  readonly tlsDir: string;
  readonly credDir: string;
  readonly etcdDataDir: string;
  readonly logsDir: string;
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly advertiseAddress: string;
  readonly bindAddress: string;
  readonly httpsPort: number;
  readonly etcdClientPort: number;
  readonly etcdPeerPort: number;
  readonly clusterCidr: string;
  readonly serviceCidr: string;
  readonly serviceNodePortRange: string;
  readonly clusterDomain: string;
  /**
   * A server joining an existing cluster: the `initial-cluster` list etcd's
   * member add returned (name=peer-url,...). Absent for the first server.
   */
  readonly etcdJoin?: { readonly initialCluster: string };
  /**
   * 'single': etcd is (as far as this server knows) the only member. Its
   * raft timing then only decides how long a start waits for its own
   * election: etcd fast-forwards all but one election tick, and the rest is
   * randomised up to one more election timeout (with K3s' 500/5000 ms that
   * was 0.5–5.5 s of every start; measured 4–5 s). 'cluster': K3s' values,
   * tolerant of busy 2-core hosts, where a short timeout means needless
   * leader elections. Mixed values in one cluster are safe (pre-vote is on).
   */
  readonly etcdTiming: 'single' | 'cluster';
  /** The runtime's GOARCH (its manifest's arch); etcd needs to be told it may run on some. */
  readonly arch?: string;
  readonly hardening?: ControlPlaneHardening;
  readonly extraArgs: {
    readonly etcd: readonly string[];
    readonly 'kube-apiserver': readonly string[];
    readonly 'kube-controller-manager': readonly string[];
    readonly 'kube-scheduler': readonly string[];
    readonly 'helm-controller': readonly string[];
  };
  /** `<component>-extra-env` items (KEY=VALUE) over rfo's Go defaults (go-runtime-env.ts). */
  readonly extraEnv?: Partial<Record<'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler', readonly string[]>>;
}

function spec(name: string, input: ControlPlaneInput, defaults: ArgMap, extras: readonly string[], stopTimeoutMs = 10_000): ProcessSpec {
  const { args, overridden } = mergeArgs(defaults, extras);
  const extraEnv = input.extraEnv?.[name as keyof NonNullable<ControlPlaneInput['extraEnv']>];
  return { name, binary: join(input.binDir, name), args, env: planGoRuntimeEnv(extraEnv), logFile: join(input.logsDir, `${name}.log`), stopTimeoutMs, overridden };
}

const url = (host: string, port: number) => `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * etcd's own list of supported arches (etcdmain's checkSupportArch): on any
 * other it exits at start unless ETCD_UNSUPPORTED_ARCH names the arch. One of
 * them is riscv64, which openEuler ships and rfo builds for, so there rfo
 * opts in (`--version` answers without it, so only a real start shows this).
 */
const etcdSupportedArches: ReadonlySet<string> = new Set(['amd64', 'arm64', 'ppc64le', 's390x']);

export function etcdArchEnv(arch: string | undefined): Record<string, string> {
  return arch && !etcdSupportedArches.has(arch) ? { ETCD_UNSUPPORTED_ARCH: arch } : {};
}

export function planEtcd(c: ControlPlaneInput): ProcessSpec {
  const tls = (f: string) => join(c.tlsDir, 'etcd', f);
  const client = url(c.nodeIp, c.etcdClientPort);
  const peer = url(c.nodeIp, c.etcdPeerPort);
  const etcd = spec(
    'etcd',
    c,
    {
      name: c.nodeName,
      'data-dir': c.etcdDataDir,
      'listen-client-urls': `${url('127.0.0.1', c.etcdClientPort)},${client}`,
      'advertise-client-urls': client,
      'listen-peer-urls': peer,
      'initial-advertise-peer-urls': peer,
      'initial-cluster': c.etcdJoin?.initialCluster ?? `${c.nodeName}=${peer}`,
      'initial-cluster-state': c.etcdJoin ? 'existing' : 'new',
      'listen-metrics-urls': `http://127.0.0.1:${c.etcdPeerPort + 1}`,
      'client-cert-auth': 'true',
      'trusted-ca-file': tls('server-ca.crt'),
      'cert-file': tls('server-client.crt'),
      'key-file': tls('server-client.key'),
      'peer-client-cert-auth': 'true',
      'peer-trusted-ca-file': tls('peer-ca.crt'),
      'peer-cert-file': tls('peer-server-client.crt'),
      'peer-key-file': tls('peer-server-client.key'),
      ...(c.etcdTiming === 'single' ? { 'heartbeat-interval': '100', 'election-timeout': '1000' } : { 'heartbeat-interval': '500', 'election-timeout': '5000' }),
      'snapshot-count': '10000',
      logger: 'zap',
      'log-outputs': 'stderr',
    },
    c.extraArgs.etcd,
    30_000,
  );
  const withArch = { ...etcd, env: { ...etcdArchEnv(c.arch), ...etcd.env } };
  const user = c.hardening?.etcdUser;
  // CIS 1.1.12: etcd runs as etcd:etcd and owns its data directory (RKE2 chowns the data and etcd TLS directories the same way).
  return user ? { ...withArch, runAs: { ...user, owns: [c.etcdDataDir, ...(c.hardening?.etcdTlsFiles ?? [])] } } : withArch;
}

export function planApiserver(c: ControlPlaneInput): ProcessSpec {
  const tls = (f: string) => join(c.tlsDir, f);
  return spec(
    'kube-apiserver',
    c,
    {
      'advertise-address': c.advertiseAddress,
      'bind-address': c.bindAddress,
      'secure-port': String(c.httpsPort),
      'etcd-servers': url('127.0.0.1', c.etcdClientPort),
      'etcd-cafile': tls('etcd/server-ca.crt'),
      'etcd-certfile': tls('etcd/client.crt'),
      'etcd-keyfile': tls('etcd/client.key'),
      'service-cluster-ip-range': c.serviceCidr,
      'service-node-port-range': c.serviceNodePortRange,
      'allow-privileged': 'true',
      'anonymous-auth': 'false',
      'authorization-mode': 'Node,RBAC',
      'enable-admission-plugins': 'NodeRestriction',
      'client-ca-file': tls('client-ca.crt'),
      'tls-cert-file': tls('serving-kube-apiserver.crt'),
      'tls-private-key-file': tls('serving-kube-apiserver.key'),
      'kubelet-client-certificate': tls('client-kube-apiserver.crt'),
      'kubelet-client-key': tls('client-kube-apiserver.key'),
      // Kubelet serving certificates have their own CA (pki/specs.ts); server-ca is not trusted for kubelets.
      'kubelet-certificate-authority': tls('kubelet-ca.crt'),
      'kubelet-preferred-address-types': 'InternalIP,ExternalIP,Hostname',
      'service-account-issuer': `https://kubernetes.default.svc.${c.clusterDomain}`,
      'api-audiences': `https://kubernetes.default.svc.${c.clusterDomain},rfo`,
      'service-account-key-file': tls('service.key'),
      'service-account-signing-key-file': tls('service.current.key'),
      'requestheader-client-ca-file': tls('request-header-ca.crt'),
      'requestheader-allowed-names': 'system:auth-proxy',
      'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
      'requestheader-group-headers': 'X-Remote-Group',
      'requestheader-username-headers': 'X-Remote-User',
      'proxy-client-cert-file': tls('client-auth-proxy.crt'),
      'proxy-client-key-file': tls('client-auth-proxy.key'),
      // Aggregated APIs (metrics.k8s.io of rfo-metrics-server) are reached at their
      // endpoints' pod IPs, not the Service IP: the apiserver runs on the host
      // network, where a Service IP works only while kube-proxy's rules are in
      // place on this node (K3s and RKE2 set the same).
      'enable-aggregator-routing': 'true',
      // Secrets at rest (secrets/encryption-service.ts keeps this file); reloaded without a restart.
      'encryption-provider-config': join(c.credDir, 'encryption-config.json'),
      'encryption-provider-config-automatic-reload': 'true',
      profiling: 'false',
      ...(c.hardening ? apiserverHardening(c.hardening) : {}),
    },
    c.extraArgs['kube-apiserver'],
  );
}

/** The etcd TLS files of a server's tls dir that etcd itself reads (its CA keys stay root's). */
export const etcdTlsFiles = (tlsDir: string): string[] =>
  ['server-ca.crt', 'server-client.crt', 'server-client.key', 'peer-ca.crt', 'peer-server-client.crt', 'peer-server-client.key'].map((f) => join(tlsDir, 'etcd', f));

/**
 * CIS 1.2.x beyond rfo's defaults, as RKE2's cis profile: the admission
 * configuration (Pod Security, EventRateLimit), DenyServiceExternalIPs
 * (1.2.3), the audit log kept 30 days, 10 files of 100 MB (1.2.16-1.2.19),
 * service account tokens without the extended expiry (1.2.30), strong
 * ciphers only (1.2.29). AlwaysPullImages (1.2.11) stays off, as in RKE2:
 * rfo nodes run images imported from the airgap archive, with no registry
 * to pull from again.
 */
function apiserverHardening(h: ControlPlaneHardening): ArgMap {
  return {
    'enable-admission-plugins': 'NodeRestriction,EventRateLimit,DenyServiceExternalIPs',
    'admission-control-config-file': h.admissionConfigFile,
    'audit-policy-file': h.auditPolicyFile,
    'audit-log-path': h.auditLogPath,
    'audit-log-maxage': '30',
    'audit-log-maxbackup': '10',
    'audit-log-maxsize': '100',
    'service-account-extend-token-expiration': 'false',
    'tls-cipher-suites': strongTlsCipherSuites.join(','),
  };
}

/** Controller-manager and scheduler: one identity for API, authn and authz; health on loopback. */
function clientOfApiserver(kubeconfig: string, securePort: number): ArgMap {
  return {
    kubeconfig,
    'authentication-kubeconfig': kubeconfig,
    'authorization-kubeconfig': kubeconfig,
    'bind-address': '127.0.0.1',
    'secure-port': String(securePort),
  };
}

export function planControllerManager(c: ControlPlaneInput): ProcessSpec {
  return spec(
    'kube-controller-manager',
    c,
    {
      ...clientOfApiserver(join(c.credDir, 'controller.kubeconfig'), 10257),
      'allocate-node-cidrs': 'true',
      'cluster-cidr': c.clusterCidr,
      'service-cluster-ip-range': c.serviceCidr,
      // One CA per signer, each exactly one certificate (the CSR signer refuses a bundle, which
      // client-ca.crt is after rotate-ca: client-ca.nochain.crt is the CA alone, K3s's name).
      // One CA per signer (kube-controller-manager refuses the generic
      // --cluster-signing-cert-file beside these; the kubelet-client pair is the
      // kubernetes.io/kube-apiserver-client-kubelet signer's): kubelet client certificates
      // from client-ca, kubelet serving certificates from kubelet-ca (the CA
      // kube-apiserver trusts for kubelets only, pki/specs.ts), a year each as rfo's own leaves.
      'cluster-signing-kubelet-client-cert-file': join(c.tlsDir, 'client-ca.nochain.crt'),
      'cluster-signing-kubelet-client-key-file': join(c.tlsDir, 'client-ca.key'),
      'cluster-signing-kubelet-serving-cert-file': join(c.tlsDir, 'kubelet-ca.crt'),
      'cluster-signing-kubelet-serving-key-file': join(c.tlsDir, 'kubelet-ca.key'),
      // What the generic flag gave before: client certificates users request (kubectl certificate approve).
      'cluster-signing-kube-apiserver-client-cert-file': join(c.tlsDir, 'client-ca.nochain.crt'),
      'cluster-signing-kube-apiserver-client-key-file': join(c.tlsDir, 'client-ca.key'),
      'cluster-signing-legacy-unknown-cert-file': join(c.tlsDir, 'client-ca.nochain.crt'),
      'cluster-signing-legacy-unknown-key-file': join(c.tlsDir, 'client-ca.key'),
      'cluster-signing-duration': '8760h',
      'root-ca-file': join(c.tlsDir, 'server-ca.crt'),
      'service-account-private-key-file': join(c.tlsDir, 'service.current.key'),
      'use-service-account-credentials': 'true',
      // Its start makes a service account and a token for each of its ~40
      // controllers, one after another through its client's rate limit
      // (20/s, burst 30 by default): about 5 s on the critical path of a cold
      // start (job, deployment and endpoint controllers). Steady state is far below this.
      'kube-api-qps': '100',
      'kube-api-burst': '200',
      controllers: '*,tokencleaner',
      'leader-elect': 'true',
      profiling: 'false',
      // CIS 1.3.1: RKE2's value (the upstream default, 12500, keeps terminated pods far longer).
      ...(c.hardening ? { 'terminated-pod-gc-threshold': '1000' } : {}),
    },
    c.extraArgs['kube-controller-manager'],
  );
}

export function planScheduler(c: ControlPlaneInput): ProcessSpec {
  return spec(
    'kube-scheduler',
    c,
    {
      ...clientOfApiserver(join(c.credDir, 'scheduler.kubeconfig'), 10259),
      'leader-elect': 'true',
      profiling: 'false',
    },
    c.extraArgs['kube-scheduler'],
  );
}

/**
 * helm-controller (HelmChart, HelmChartConfig) with its own client identity
 * (server/cred/helm-controller.kubeconfig) and its lease in kube-system, so
 * one server's controller is active at a time. Its jobs run our job image.
 */
export function planHelmController(c: ControlPlaneInput, jobImage: string): ProcessSpec {
  return spec(
    'helm-controller',
    c,
    {
      kubeconfig: join(c.credDir, 'helm-controller.kubeconfig'),
      'default-job-image': jobImage,
      'node-name': c.nodeName,
    },
    c.extraArgs['helm-controller'],
  );
}
