// The CIS Kubernetes Benchmark checks `rfo cis check` evaluates, as data.
//
// Version: CIS Kubernetes Benchmark v2.0, the one RKE2's self-assessment
// uses for its v1.35–v1.37 lines (rfo ships 1.35–1.37); its control numbers
// and titles in sections 1–5 are those of v1.12 (RKE2's guide for
// v1.33–v1.36). Written by rfo from those guides and rfo's own layout, not
// copied from kube-bench (whose module the proxy refuses, README). Where rfo
// differs from a static-pod distribution, the audit reads rfo's equivalent
// (the process's command line from /proc instead of a pod manifest) or the
// check says why it does not apply, as RKE2's guides do for RKE2.

import { cisAcceptedCipherSuites } from '../render/tls-cipher-suites.ts';
import type { Audit, CisCheck, Component, FileSet, FlagTest, KubeletSetting, Target, ValueTest } from './cis-types.ts';
import { atLeast, auditLevelFor, enforcedLevel, podSecurityDefaults, secretsProvider } from './read-policy-docs.ts';
import type { PodSecurityLevel } from './read-policy-docs.ts';

export const benchmark = { name: 'CIS Kubernetes Benchmark', version: 'v2.0', id: 'cis-2.0' } as const;

export const sectionTitles: Readonly<Record<string, string>> = {
  '1': 'Control Plane Security Configuration',
  '1.1': 'Control Plane Node Configuration Files',
  '1.2': 'API Server',
  '1.3': 'Controller Manager',
  '1.4': 'Scheduler',
  '2': 'Etcd Node Configuration',
  '3': 'Control Plane Configuration',
  '3.1': 'Authentication and Authorization',
  '3.2': 'Logging',
  '4': 'Worker Node Security Configuration',
  '4.1': 'Worker Node Configuration Files',
  '4.2': 'Kubelet',
  '4.3': 'kube-proxy',
  '5': 'Kubernetes Policies',
  '5.1': 'RBAC and Service Accounts',
  '5.2': 'Pod Security Standards',
  '5.3': 'Network Policies and CNI',
  '5.4': 'Secrets Management',
  '5.5': 'Extensible Admission Control',
  '5.6': 'General Policies',
};

const cfg = '/etc/rancher/rfo/config.yaml';

// --- constructors: one line per check below -----------------------------------------------------

const check = (id: string, title: string, target: Target, scored: boolean, audit: Audit, remediation: string): CisCheck => ({ id, title, target, scored, audit, remediation });

const flags = (component: Component, tests: readonly FlagTest[], any = false): Audit => ({ kind: 'flags', component, tests, ...(any ? { any } : {}) });
const f = (flag: string, test: ValueTest, unsetPasses = false): FlagTest => ({ flag, test, ...(unsetPasses ? { unsetPasses } : {}) });
const eq = (value: string): ValueTest => ({ op: 'eq', value });
const set: ValueTest = { op: 'set' };
const unset: ValueTest = { op: 'unset' };

const mode = (files: FileSet, maxMode: number, optional = false): Audit => ({ kind: 'file', files, maxMode, ...(optional ? { optional } : {}) });
const owner = (files: FileSet, who = 'root:root', optional = false): Audit => ({ kind: 'file', files, owner: who, ...(optional ? { optional } : {}) });
const manual = (reads?: string): Audit => ({ kind: 'manual', ...(reads ? { reads } : {}) });
const na = (why: string): Audit => ({ kind: 'na', why });

const argFix = (component: string, arg: string) => `remove or correct ${component}-arg: "${arg}" in ${cfg}; rfo sets the compliant value by default`;
const cisFix = (what: string) => `run with profile: cis in ${cfg} (${what})`;

// kubelet settings as flag ↔ KubeletConfiguration field, with kubelet's config-file defaults.
const kl = (flag: string, field: string, dflt?: string): KubeletSetting => ({ flag, field, ...(dflt !== undefined ? { default: dflt } : {}) });
const kubelet = (setting: KubeletSetting, test: ValueTest, unsetPasses = false): Audit => ({ kind: 'kubelet', setting, test, ...(unsetPasses ? { unsetPasses } : {}) });

const noStaticPods = 'rfo runs etcd and the control plane as its own supervised processes, not as static pods: there is no pod specification file (their arguments are read from /proc by the checks of 1.2–2)';

/** 5.2.x: Pod Security admission keeps `floor` (or stricter) in every namespace but the exempt system ones. */
function podSecurity(floor: PodSecurityLevel, what: string): Audit {
  return {
    kind: 'fact',
    reads: 'kube-apiserver --admission-control-config-file (PodSecurity defaults, exemptions) and every Namespace\'s pod-security.kubernetes.io/enforce label',
    expected: `Pod Security ${floor} or stricter enforced in every namespace except the exempt system namespaces (${what})`,
    evaluate: (facts) => {
      if (!facts.api) return { pass: false, actual: `API not read: ${facts.apiError ?? 'unknown'}` };
      const d = podSecurityDefaults(facts.docs.admissionConfig);
      const weak = facts.api.namespaces.filter((ns) => {
        const level = enforcedLevel(d, ns);
        return level !== 'exempt' && !atLeast(level, floor);
      });
      const exempt = facts.api.namespaces.filter((ns) => enforcedLevel(d, ns) === 'exempt').map((n) => n.name);
      return weak.length === 0
        ? { pass: true, actual: `default enforce=${d.enforce}; exempt: ${exempt.join(', ') || 'none'}` }
        : { pass: false, actual: `below ${floor}: ${weak.map((n) => `${n.name} (${enforcedLevel(d, n)})`).join(', ')}` };
    },
  };
}

// --- the checks ---------------------------------------------------------------------------------

export const cisChecks: readonly CisCheck[] = [
  // 1.1 Control Plane Node Configuration Files
  check('1.1.1', 'Ensure that the API server pod specification file permissions are set to 600 or more restrictive', 'master', true, na(noStaticPods), ''),
  check('1.1.2', 'Ensure that the API server pod specification file ownership is set to root:root', 'master', true, na(noStaticPods), ''),
  check('1.1.3', 'Ensure that the controller manager pod specification file permissions are set to 600 or more restrictive', 'master', true, na(noStaticPods), ''),
  check('1.1.4', 'Ensure that the controller manager pod specification file ownership is set to root:root', 'master', true, na(noStaticPods), ''),
  check('1.1.5', 'Ensure that the scheduler pod specification file permissions are set to 600 or more restrictive', 'master', true, na(noStaticPods), ''),
  check('1.1.6', 'Ensure that the scheduler pod specification file ownership is set to root:root', 'master', true, na(noStaticPods), ''),
  check('1.1.7', 'Ensure that the etcd pod specification file permissions are set to 600 or more restrictive', 'master', false, na(noStaticPods), ''),
  check('1.1.8', 'Ensure that the etcd pod specification file ownership is set to root:root', 'master', false, na(noStaticPods), ''),
  check('1.1.9', 'Ensure that the Container Network Interface file permissions are set to 600 or more restrictive', 'master', false, mode('cni-files', 0o600, true), 'chmod 600 the files in /etc/cni/net.d and /var/lib/cni/networks (with profile: cis rfo writes its conflist 0600; host-local writes its IPAM files itself)'),
  check('1.1.10', 'Ensure that the Container Network Interface file ownership is set to root:root', 'master', false, owner('cni-files', 'root:root', true), 'chown root:root the files in /etc/cni/net.d and /var/lib/cni/networks'),
  check('1.1.11', 'Ensure that the etcd data directory permissions are set to 700 or more restrictive', 'master', false, mode('etcd-data-dir', 0o700), 'chmod 700 /var/lib/rancher/rfo/server/db/etcd'),
  check('1.1.12', 'Ensure that the etcd data directory ownership is set to etcd:etcd', 'master', false, owner('etcd-data-dir', 'etcd:etcd'), cisFix('rfo cis prepare creates the etcd user; etcd then runs as etcd and owns its data directory')),
  check('1.1.13', 'Ensure that the admin.conf file permissions are set to 600 or more restrictive', 'master', true, mode('admin-kubeconfig', 0o600), 'chmod 600 /var/lib/rancher/rfo/server/cred/admin.kubeconfig'),
  check('1.1.14', 'Ensure that the admin.conf file ownership is set to root:root', 'master', true, owner('admin-kubeconfig'), 'chown root:root /var/lib/rancher/rfo/server/cred/admin.kubeconfig'),
  check('1.1.15', 'Ensure that the scheduler.conf file permissions are set to 600 or more restrictive', 'master', true, mode('scheduler-kubeconfig', 0o600), 'chmod 600 /var/lib/rancher/rfo/server/cred/scheduler.kubeconfig'),
  check('1.1.16', 'Ensure that the scheduler.conf file ownership is set to root:root', 'master', true, owner('scheduler-kubeconfig'), 'chown root:root /var/lib/rancher/rfo/server/cred/scheduler.kubeconfig'),
  check('1.1.17', 'Ensure that the controller-manager.conf file permissions are set to 600 or more restrictive', 'master', true, mode('controller-kubeconfig', 0o600), 'chmod 600 /var/lib/rancher/rfo/server/cred/controller.kubeconfig'),
  check('1.1.18', 'Ensure that the controller-manager.conf file ownership is set to root:root', 'master', true, owner('controller-kubeconfig'), 'chown root:root /var/lib/rancher/rfo/server/cred/controller.kubeconfig'),
  check('1.1.19', 'Ensure that the Kubernetes PKI directory and file ownership is set to root:root', 'master', true, owner('pki-dir'), 'chown root:root /var/lib/rancher/rfo/server/tls and the files in it (tls/etcd holds the files etcd owns under profile: cis, as in RKE2)'),
  check('1.1.20', 'Ensure that the Kubernetes PKI certificate file permissions are set to 644 or more restrictive', 'master', true, mode('pki-certs', 0o644), 'chmod 644 (or 600) /var/lib/rancher/rfo/server/tls/*.crt /var/lib/rancher/rfo/server/tls/etcd/*.crt'),
  check('1.1.21', 'Ensure that the Kubernetes PKI key file permissions are set to 600', 'master', true, mode('pki-keys', 0o600), 'chmod 600 /var/lib/rancher/rfo/server/tls/*.key /var/lib/rancher/rfo/server/tls/etcd/*.key'),

  // 1.2 API Server
  check('1.2.1', 'Ensure that the --anonymous-auth argument is set to false', 'master', true, flags('kube-apiserver', [f('anonymous-auth', eq('false'))]), argFix('kube-apiserver', 'anonymous-auth=true')),
  check('1.2.2', 'Ensure that the --token-auth-file parameter is not set', 'master', true, flags('kube-apiserver', [f('token-auth-file', unset)]), argFix('kube-apiserver', 'token-auth-file=...')),
  check('1.2.3', 'Ensure that the --DenyServiceExternalIPs is set', 'master', false, flags('kube-apiserver', [f('enable-admission-plugins', { op: 'has', value: 'DenyServiceExternalIPs' })]), cisFix('it enables the DenyServiceExternalIPs admission plugin')),
  check('1.2.4', 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate', 'master', true, flags('kube-apiserver', [f('kubelet-client-certificate', set), f('kubelet-client-key', set)]), 'rfo sets both to server/tls/client-kube-apiserver.*; remove any kube-apiserver-arg that unsets them'),
  check('1.2.5', 'Ensure that the --kubelet-certificate-authority argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('kubelet-certificate-authority', set)]), 'rfo sets it to server/tls/kubelet-ca.crt; remove any kube-apiserver-arg that unsets it'),
  check('1.2.6', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow', 'master', true, flags('kube-apiserver', [f('authorization-mode', { op: 'lacks', value: 'AlwaysAllow' })]), argFix('kube-apiserver', 'authorization-mode=AlwaysAllow')),
  check('1.2.7', 'Ensure that the --authorization-mode argument includes Node', 'master', true, flags('kube-apiserver', [f('authorization-mode', { op: 'has', value: 'Node' })]), argFix('kube-apiserver', 'authorization-mode=...')),
  check('1.2.8', 'Ensure that the --authorization-mode argument includes RBAC', 'master', true, flags('kube-apiserver', [f('authorization-mode', { op: 'has', value: 'RBAC' })]), argFix('kube-apiserver', 'authorization-mode=...')),
  check('1.2.9', 'Ensure that the admission control plugin EventRateLimit is set', 'master', false, flags('kube-apiserver', [f('enable-admission-plugins', { op: 'has', value: 'EventRateLimit' }), f('admission-control-config-file', set)]), cisFix('EventRateLimit with its configuration in server/etc/event-rate-limit.yaml')),
  check('1.2.10', 'Ensure that the admission control plugin AlwaysAdmit is not set', 'master', true, flags('kube-apiserver', [f('enable-admission-plugins', { op: 'lacks', value: 'AlwaysAdmit' }, true)]), argFix('kube-apiserver', 'enable-admission-plugins=...,AlwaysAdmit')),
  check('1.2.11', 'Ensure that the admission control plugin AlwaysPullImages is set', 'master', false, flags('kube-apiserver', [f('enable-admission-plugins', { op: 'has', value: 'AlwaysPullImages' })]), 'left off, as in RKE2: the benchmark notes it does not suit clusters whose images are preloaded without a registry to pull from, which is how rfo runs its own images (airgap archive); add it with kube-apiserver-arg: enable-admission-plugins=...,AlwaysPullImages if your workloads pull from a registry'),
  check('1.2.12', 'Ensure that the admission control plugin ServiceAccount is set', 'master', true, flags('kube-apiserver', [f('disable-admission-plugins', { op: 'lacks', value: 'ServiceAccount' }, true)]), argFix('kube-apiserver', 'disable-admission-plugins=...,ServiceAccount')),
  check('1.2.13', 'Ensure that the admission control plugin NamespaceLifecycle is set', 'master', true, flags('kube-apiserver', [f('disable-admission-plugins', { op: 'lacks', value: 'NamespaceLifecycle' }, true)]), argFix('kube-apiserver', 'disable-admission-plugins=...,NamespaceLifecycle')),
  check('1.2.14', 'Ensure that the admission control plugin NodeRestriction is set', 'master', true, flags('kube-apiserver', [f('enable-admission-plugins', { op: 'has', value: 'NodeRestriction' })]), 'keep NodeRestriction in any kube-apiserver-arg: enable-admission-plugins=... you set'),
  check('1.2.15', 'Ensure that the --profiling argument is set to false', 'master', true, flags('kube-apiserver', [f('profiling', eq('false'))]), argFix('kube-apiserver', 'profiling=true')),
  check('1.2.16', 'Ensure that the --audit-log-path argument is set', 'master', true, flags('kube-apiserver', [f('audit-log-path', set)]), cisFix('audit log in agent/logs/audit.log')),
  check('1.2.17', 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate', 'master', true, flags('kube-apiserver', [f('audit-log-maxage', { op: 'gte', value: 30 })]), cisFix('audit-log-maxage=30')),
  check('1.2.18', 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate', 'master', true, flags('kube-apiserver', [f('audit-log-maxbackup', { op: 'gte', value: 10 })]), cisFix('audit-log-maxbackup=10')),
  check('1.2.19', 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate', 'master', true, flags('kube-apiserver', [f('audit-log-maxsize', { op: 'gte', value: 100 })]), cisFix('audit-log-maxsize=100')),
  check('1.2.20', 'Ensure that the --request-timeout argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('request-timeout', set, true)]), 'leave request-timeout at its default (60s) or set it with kube-apiserver-arg'),
  check('1.2.21', 'Ensure that the --service-account-lookup argument is set to true', 'master', true, flags('kube-apiserver', [f('service-account-lookup', eq('true'), true)]), argFix('kube-apiserver', 'service-account-lookup=false')),
  check('1.2.22', 'Ensure that the --service-account-key-file argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('service-account-key-file', set)]), 'rfo sets it to server/tls/service.key'),
  check('1.2.23', 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate', 'master', true, flags('kube-apiserver', [f('etcd-certfile', set), f('etcd-keyfile', set)]), 'rfo sets them to server/tls/etcd/client.*'),
  check('1.2.24', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', 'master', true, flags('kube-apiserver', [f('tls-cert-file', set), f('tls-private-key-file', set)]), 'rfo sets them to server/tls/serving-kube-apiserver.*'),
  check('1.2.25', 'Ensure that the --client-ca-file argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('client-ca-file', set)]), 'rfo sets it to server/tls/client-ca.crt'),
  check('1.2.26', 'Ensure that the --etcd-cafile argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('etcd-cafile', set)]), 'rfo sets it to server/tls/etcd/server-ca.crt'),
  check('1.2.27', 'Ensure that the --encryption-provider-config argument is set as appropriate', 'master', true, flags('kube-apiserver', [f('encryption-provider-config', set)]), 'keep secrets-encryption: true (the default); rfo secrets-encrypt enable turns it back on'),
  check(
    '1.2.28',
    'Ensure that encryption providers are appropriately configured',
    'master',
    true,
    {
      kind: 'fact',
      reads: 'kube-apiserver --encryption-provider-config (server/cred/encryption-config.json)',
      expected: 'Secrets written with aescbc, aesgcm, secretbox or kms',
      evaluate: (facts) => {
        const p = secretsProvider(facts.docs.encryptionConfig);
        return { pass: ['aescbc', 'aesgcm', 'secretbox', 'kms'].includes(p), actual: `secrets: ${p}` };
      },
    },
    'rfo secrets-encrypt enable (then rotate-keys); see README "Secrets encryption at rest"',
  ),
  check('1.2.29', 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers', 'master', true, flags('kube-apiserver', [f('tls-cipher-suites', { op: 'within', values: cisAcceptedCipherSuites })]), cisFix("RKE2's cipher suites")),
  check('1.2.30', 'Ensure that the --service-account-extend-token-expiration parameter is set to false', 'master', true, flags('kube-apiserver', [f('service-account-extend-token-expiration', eq('false'))]), cisFix('service-account-extend-token-expiration=false')),

  // 1.3 Controller Manager
  check('1.3.1', 'Ensure that the --terminated-pod-gc-threshold argument is set as appropriate', 'master', false, flags('kube-controller-manager', [f('terminated-pod-gc-threshold', set)]), cisFix("RKE2's terminated-pod-gc-threshold=1000"),),
  check('1.3.2', 'Ensure that the --profiling argument is set to false', 'master', true, flags('kube-controller-manager', [f('profiling', eq('false'))]), argFix('kube-controller-manager', 'profiling=true')),
  check('1.3.3', 'Ensure that the --use-service-account-credentials argument is set to true', 'master', true, flags('kube-controller-manager', [f('use-service-account-credentials', eq('true'))]), argFix('kube-controller-manager', 'use-service-account-credentials=false')),
  check('1.3.4', 'Ensure that the --service-account-private-key-file argument is set as appropriate', 'master', true, flags('kube-controller-manager', [f('service-account-private-key-file', set)]), 'rfo sets it to server/tls/service.current.key'),
  check('1.3.5', 'Ensure that the --root-ca-file argument is set as appropriate', 'master', true, flags('kube-controller-manager', [f('root-ca-file', set)]), 'rfo sets it to server/tls/server-ca.crt'),
  check('1.3.6', 'Ensure that the RotateKubeletServerCertificate argument is set to true', 'master', true, flags('kube-controller-manager', [f('feature-gates', { op: 'lacks', value: 'RotateKubeletServerCertificate=false' }, true)]), argFix('kube-controller-manager', 'feature-gates=RotateKubeletServerCertificate=false')),
  check('1.3.7', 'Ensure that the --bind-address argument is set to 127.0.0.1', 'master', true, flags('kube-controller-manager', [f('bind-address', eq('127.0.0.1'))]), argFix('kube-controller-manager', 'bind-address=...')),

  // 1.4 Scheduler
  check('1.4.1', 'Ensure that the --profiling argument is set to false', 'master', true, flags('kube-scheduler', [f('profiling', eq('false'))]), argFix('kube-scheduler', 'profiling=true')),
  check('1.4.2', 'Ensure that the --bind-address argument is set to 127.0.0.1', 'master', true, flags('kube-scheduler', [f('bind-address', eq('127.0.0.1'))]), argFix('kube-scheduler', 'bind-address=...')),

  // 2 Etcd Node Configuration
  check('2.1', 'Ensure that the --cert-file and --key-file arguments are set as appropriate', 'etcd', true, flags('etcd', [f('cert-file', set), f('key-file', set)]), 'rfo sets them to server/tls/etcd/server-client.*'),
  check('2.2', 'Ensure that the --client-cert-auth argument is set to true', 'etcd', true, flags('etcd', [f('client-cert-auth', eq('true'))]), argFix('etcd', 'client-cert-auth=false')),
  check('2.3', 'Ensure that the --auto-tls argument is not set to true', 'etcd', true, flags('etcd', [f('auto-tls', { op: 'ne', value: 'true' }, true)]), argFix('etcd', 'auto-tls=true')),
  check('2.4', 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate', 'etcd', true, flags('etcd', [f('peer-cert-file', set), f('peer-key-file', set)]), 'rfo sets them to server/tls/etcd/peer-server-client.*'),
  check('2.5', 'Ensure that the --peer-client-cert-auth argument is set to true', 'etcd', true, flags('etcd', [f('peer-client-cert-auth', eq('true'))]), argFix('etcd', 'peer-client-cert-auth=false')),
  check('2.6', 'Ensure that the --peer-auto-tls argument is not set to true', 'etcd', true, flags('etcd', [f('peer-auto-tls', { op: 'ne', value: 'true' }, true)]), argFix('etcd', 'peer-auto-tls=true')),
  check(
    '2.7',
    'Ensure that a unique Certificate Authority is used for etcd',
    'etcd',
    true,
    {
      kind: 'fact',
      reads: "etcd --trusted-ca-file and kube-apiserver --client-ca-file (their certificates)",
      expected: "etcd's client CA is not the CA that signs the cluster's client certificates",
      evaluate: (facts) => {
        const { etcdCa, clientCa } = facts.docs;
        if (!etcdCa || !clientCa) return { pass: false, actual: 'CA files not read' };
        return etcdCa.trim() === clientCa.trim() ? { pass: false, actual: 'the same CA' } : { pass: true, actual: 'etcd/server-ca.crt differs from client-ca.crt' };
      },
    },
    "rfo gives etcd CAs of its own (server/tls/etcd/server-ca.crt, peer-ca.crt); don't point etcd-arg trusted-ca-file at client-ca.crt",
  ),

  // 3 Control Plane Configuration
  check('3.1.1', 'Client certificate authentication should not be used for users', 'controlplane', false, manual('who holds certificates signed by client-ca'), 'use OIDC (kube-apiserver-arg: oidc-*) for people; keep client certificates for components and break-glass admin access (rfo.yaml)'),
  check('3.1.2', 'Service account token authentication should not be used for users', 'controlplane', false, manual('service account tokens handed to people'), 'use OIDC for people; keep service account tokens for workloads'),
  check('3.1.3', 'Bootstrap token authentication should not be used for users', 'controlplane', false, flags('kube-apiserver', [f('enable-bootstrap-token-auth', { op: 'ne', value: 'true' }, true)]), 'rfo joins nodes through its supervisor (9345), not bootstrap tokens; remove kube-apiserver-arg: enable-bootstrap-token-auth=true'),
  check('3.2.1', 'Ensure that a minimal audit policy is created', 'controlplane', true, flags('kube-apiserver', [f('audit-policy-file', set)]), cisFix('audit policy in server/etc/audit-policy.yaml')),
  check(
    '3.2.2',
    'Ensure that the audit policy covers key security concerns',
    'controlplane',
    false,
    {
      kind: 'fact',
      reads: 'kube-apiserver --audit-policy-file',
      expected: 'Secrets, ConfigMaps and TokenReviews at Metadata only; Pods, Deployments, pods/exec, pods/portforward, pods/proxy, services/proxy logged',
      evaluate: (facts) => {
        const p = facts.docs.auditPolicy;
        if (p === undefined) return { pass: false, actual: 'no audit policy' };
        const levels = {
          secrets: auditLevelFor(p, '', 'secrets'),
          configmaps: auditLevelFor(p, '', 'configmaps'),
          tokenreviews: auditLevelFor(p, 'authentication.k8s.io', 'tokenreviews'),
          pods: auditLevelFor(p, '', 'pods'),
          deployments: auditLevelFor(p, 'apps', 'deployments'),
          'pods/exec': auditLevelFor(p, '', 'pods/exec'),
          'pods/portforward': auditLevelFor(p, '', 'pods/portforward'),
          'pods/proxy': auditLevelFor(p, '', 'pods/proxy'),
          'services/proxy': auditLevelFor(p, '', 'services/proxy'),
        };
        const metadataOnly = ['secrets', 'configmaps', 'tokenreviews'] as const;
        const logged = ['pods', 'deployments', 'pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy'] as const;
        const pass = metadataOnly.every((k) => levels[k] === 'Metadata') && logged.every((k) => levels[k] !== 'None');
        return { pass, actual: Object.entries(levels).map(([k, v]) => `${k}=${v}`).join(' ') };
      },
    },
    'log Secrets, ConfigMaps and TokenReviews at Metadata (never their bodies) and at least Metadata for pod changes, exec, port-forward and proxies; profile: cis writes such a policy',
  ),

  // 4.1 Worker Node Configuration Files
  check('4.1.1', 'Ensure that the kubelet service file permissions are set to 600 or more restrictive', 'node', true, na('kubelet is a child process of rfo with its arguments from rfo: there is no kubelet service file (rfo\'s own unit is rfo-server/rfo-agent.service)'), ''),
  check('4.1.2', 'Ensure that the kubelet service file ownership is set to root:root', 'node', true, na('kubelet is a child process of rfo: there is no kubelet service file'), ''),
  check('4.1.3', 'If proxy kubeconfig file exists ensure permissions are set to 600 or more restrictive', 'node', true, mode('kubeproxy-kubeconfig', 0o600, true), 'chmod 600 /var/lib/rancher/rfo/agent/kubeproxy.kubeconfig'),
  check('4.1.4', 'If proxy kubeconfig file exists ensure ownership is set to root:root', 'node', true, owner('kubeproxy-kubeconfig', 'root:root', true), 'chown root:root /var/lib/rancher/rfo/agent/kubeproxy.kubeconfig'),
  check('4.1.5', 'Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive', 'node', true, mode('kubelet-kubeconfig', 0o600), 'chmod 600 /var/lib/rancher/rfo/agent/kubelet.kubeconfig'),
  check('4.1.6', 'Ensure that the --kubeconfig kubelet.conf file ownership is set to root:root', 'node', true, owner('kubelet-kubeconfig'), 'chown root:root /var/lib/rancher/rfo/agent/kubelet.kubeconfig'),
  check('4.1.7', 'Ensure that the certificate authorities file permissions are set to 600 or more restrictive', 'node', true, mode('kubelet-client-ca', 0o600), cisFix('every certificate rfo writes is 0600')),
  check('4.1.8', 'Ensure that the client certificate authorities file ownership is set to root:root', 'node', true, owner('kubelet-client-ca'), 'chown root:root the kubelet client CA file (agent/client-ca.crt, or server/tls/client-ca.crt on a server)'),
  check('4.1.9', 'If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive', 'node', true, mode('kubelet-config', 0o600), cisFix('rfo writes agent/etc/kubelet.conf.d/00-rfo-defaults.conf 0600; chmod 600 your own drop-ins there')),
  check('4.1.10', 'If the kubelet config.yaml configuration file is being used validate file ownership is set to root:root', 'node', true, owner('kubelet-config'), 'chown root:root the files in agent/etc/kubelet.conf.d'),

  // 4.2 Kubelet
  check('4.2.1', 'Ensure that the --anonymous-auth argument is set to false', 'node', true, kubelet(kl('anonymous-auth', 'authentication.anonymous.enabled', 'false'), eq('false')), argFix('kubelet', 'anonymous-auth=true')),
  check('4.2.2', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow', 'node', true, kubelet(kl('authorization-mode', 'authorization.mode', 'Webhook'), { op: 'ne', value: 'AlwaysAllow' }), argFix('kubelet', 'authorization-mode=AlwaysAllow')),
  check('4.2.3', 'Ensure that the --client-ca-file argument is set as appropriate', 'node', true, kubelet(kl('client-ca-file', 'authentication.x509.clientCAFile'), set), 'rfo sets clientCAFile in 00-rfo-defaults.conf'),
  check('4.2.4', 'Verify that if defined, the --read-only-port argument is set to 0', 'node', true, kubelet(kl('read-only-port', 'readOnlyPort', '0'), eq('0')), argFix('kubelet', 'read-only-port=10255')),
  check('4.2.5', 'Ensure that the --streaming-connection-idle-timeout argument is not set to 0', 'node', false, kubelet(kl('streaming-connection-idle-timeout', 'streamingConnectionIdleTimeout', '4h0m0s'), { op: 'ne', value: '0' }), argFix('kubelet', 'streaming-connection-idle-timeout=0')),
  check('4.2.6', 'Ensure that the --make-iptables-util-chains argument is set to true', 'node', true, kubelet(kl('make-iptables-util-chains', 'makeIPTablesUtilChains', 'true'), eq('true')), argFix('kubelet', 'make-iptables-util-chains=false')),
  check('4.2.7', 'Ensure that the --hostname-override argument is not set', 'node', true, na("rfo sets --hostname-override to the node name (node-name, default the hostname), as RKE2 does: the Node must carry the name rfo registered and issued certificates for"), ''),
  check('4.2.8', 'Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture', 'node', false, kubelet(kl('event-qps', 'eventRecordQPS', '50'), { op: 'gte', value: 0 }), 'leave eventRecordQPS at 50 (profile: cis writes it) or set it in a kubelet.conf.d drop-in'),
  check('4.2.9', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate', 'node', true, flagsOrConfig(), 'rfo sets tlsCertFile and tlsPrivateKeyFile (serving-kubelet.*)'),
  check('4.2.10', 'Ensure that the --rotate-certificates argument is not set to false', 'node', true, kubelet(kl('rotate-certificates', 'rotateCertificates', 'false'), eq('true')), argFix('kubelet', 'rotate-certificates=false')),
  check('4.2.11', 'Verify that the RotateKubeletServerCertificate argument is set to true', 'node', true, kubelet(kl('rotate-server-certificates', 'serverTLSBootstrap', 'false'), eq('true')), 'rfo sets serverTLSBootstrap: true (kubelet serving certificates rotate through the CSR API)'),
  check('4.2.12', 'Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers', 'node', false, kubelet(kl('tls-cipher-suites', 'tlsCipherSuites'), { op: 'within', values: cisAcceptedCipherSuites }), cisFix("RKE2's cipher suites in tlsCipherSuites")),
  check('4.2.13', 'Ensure that a limit is set on pod PIDs', 'node', false, kubelet(kl('pod-max-pids', 'podPidsLimit', '-1'), { op: 'gte', value: 1 }), cisFix('podPidsLimit: 4096')),
  check('4.2.14', 'Ensure that the --seccomp-default parameter is set to true', 'node', false, kubelet(kl('seccomp-default', 'seccompDefault', 'false'), eq('true')), cisFix('seccompDefault: true, RuntimeDefault for every container')),

  // 4.3 kube-proxy
  check('4.3.1', 'Ensure that the kube-proxy metrics service is bound to localhost', 'node', true, flags('kube-proxy', [f('metrics-bind-address', { op: 'within', values: ['127.0.0.1:10249', '127.0.0.1', '[::1]:10249'] }, true)]), argFix('kube-proxy', 'metrics-bind-address=0.0.0.0:10249')),

  // 5.1 RBAC and Service Accounts
  check('5.1.1', 'Ensure that the cluster-admin role is only used where required', 'policies', false, manual('ClusterRoleBindings to cluster-admin'), 'review kubectl get clusterrolebindings -o wide | grep cluster-admin; rfo binds it to its admin and to helm-controller (README "Helm charts")'),
  check('5.1.2', 'Minimize access to secrets', 'policies', false, manual('Roles granting get/list/watch on secrets'), 'remove get, list and watch on Secrets where not needed'),
  check('5.1.3', 'Minimize wildcard use in Roles and ClusterRoles', 'policies', false, manual('Roles with "*"'), 'replace wildcards with the resources and verbs needed'),
  check('5.1.4', 'Minimize access to create pods', 'policies', false, manual('Roles granting create on pods'), 'remove create access to pods where not needed'),
  check(
    '5.1.5',
    'Ensure that default service accounts are not actively used',
    'policies',
    false,
    {
      kind: 'fact',
      reads: 'the default ServiceAccount of every namespace',
      expected: 'automountServiceAccountToken: false on every default ServiceAccount',
      evaluate: (facts) => {
        if (!facts.api) return { pass: false, actual: `API not read: ${facts.apiError ?? 'unknown'}` };
        const mounting = facts.api.defaultServiceAccounts.filter((sa) => sa.automount !== false).map((sa) => sa.namespace);
        return mounting.length === 0 ? { pass: true, actual: 'no default ServiceAccount mounts a token' } : { pass: false, actual: `default ServiceAccount mounts a token in: ${mounting.join(', ')}` };
      },
    },
    'kubectl patch serviceaccount default -n <namespace> -p \'{"automountServiceAccountToken": false}\' for namespaces you create (profile: cis does kube-system, kube-public, default, kube-node-lease)',
  ),
  check('5.1.6', 'Ensure that Service Account Tokens are only mounted where necessary', 'policies', false, manual('automountServiceAccountToken of ServiceAccounts and Pods'), 'set automountServiceAccountToken: false on ServiceAccounts and Pods that do not call the API'),
  check('5.1.7', 'Avoid use of system:masters group', 'policies', false, manual('certificates and bindings naming system:masters'), "rfo's admin kubeconfig is system:masters for break-glass use; give people their own identities"),
  check('5.1.8', 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster', 'policies', false, manual(), 'remove impersonate, bind and escalate where not needed'),
  check('5.1.9', 'Minimize access to create persistent volumes', 'policies', false, manual(), 'remove create on PersistentVolumes where not needed'),
  check('5.1.10', 'Minimize access to the proxy sub-resource of nodes', 'policies', false, manual(), 'remove access to nodes/proxy where not needed'),
  check('5.1.11', 'Minimize access to the approval sub-resource of certificatesigningrequests objects', 'policies', false, manual(), 'remove access to certificatesigningrequests/approval where not needed'),
  check('5.1.12', 'Minimize access to webhook configuration objects', 'policies', false, manual(), 'remove access to validating/mutatingwebhookconfigurations where not needed'),
  check('5.1.13', 'Minimize access to the service account token creation', 'policies', false, manual(), 'remove access to serviceaccounts/token where not needed'),

  // 5.2 Pod Security Standards
  check(
    '5.2.1',
    'Ensure that the cluster has at least one active policy control mechanism in place',
    'policies',
    false,
    {
      kind: 'fact',
      reads: 'kube-apiserver --admission-control-config-file (PodSecurity) and Namespace labels',
      expected: 'Pod Security admission enforces baseline or restricted by default or in every non-exempt namespace',
      evaluate: (facts) => {
        const d = podSecurityDefaults(facts.docs.admissionConfig);
        if (d.enforce !== 'privileged') return { pass: true, actual: `PodSecurity default enforce=${d.enforce}` };
        const labelled = facts.api?.namespaces.filter((n) => (n.labels['pod-security.kubernetes.io/enforce'] ?? 'privileged') !== 'privileged').length ?? 0;
        return { pass: false, actual: `PodSecurity default enforce=privileged; ${labelled} namespace(s) labelled stricter` };
      },
    },
    cisFix('Pod Security restricted as the cluster default, kube-system exempt'),
  ),
  check('5.2.2', 'Minimize the admission of privileged containers', 'policies', false, podSecurity('baseline', 'baseline refuses privileged'), cisFix('Pod Security restricted by default')),
  check('5.2.3', 'Minimize the admission of containers wishing to share the host process ID namespace', 'policies', false, podSecurity('baseline', 'baseline refuses hostPID'), cisFix('Pod Security restricted by default')),
  check('5.2.4', 'Minimize the admission of containers wishing to share the host IPC namespace', 'policies', false, podSecurity('baseline', 'baseline refuses hostIPC'), cisFix('Pod Security restricted by default')),
  check('5.2.5', 'Minimize the admission of containers wishing to share the host network namespace', 'policies', false, podSecurity('baseline', 'baseline refuses hostNetwork'), cisFix('Pod Security restricted by default')),
  check('5.2.6', 'Minimize the admission of containers with allowPrivilegeEscalation', 'policies', false, podSecurity('restricted', 'restricted requires allowPrivilegeEscalation: false'), cisFix('Pod Security restricted by default')),
  check('5.2.7', 'Minimize the admission of root containers', 'policies', false, podSecurity('restricted', 'restricted requires runAsNonRoot'), cisFix('Pod Security restricted by default')),
  check('5.2.8', 'Minimize the admission of containers with the NET_RAW capability', 'policies', false, podSecurity('restricted', 'restricted drops ALL capabilities'), cisFix('Pod Security restricted by default')),
  check('5.2.9', 'Minimize the admission of containers with capabilities assigned', 'policies', false, podSecurity('restricted', 'restricted allows no added capability but NET_BIND_SERVICE'), cisFix('Pod Security restricted by default')),
  check('5.2.10', 'Minimize the admission of Windows HostProcess containers', 'policies', false, podSecurity('baseline', 'baseline refuses HostProcess'), cisFix('Pod Security restricted by default')),
  check('5.2.11', 'Minimize the admission of HostPath volumes', 'policies', false, podSecurity('baseline', 'baseline refuses hostPath volumes'), cisFix('Pod Security restricted by default')),
  check('5.2.12', 'Minimize the admission of containers which use HostPorts', 'policies', false, podSecurity('baseline', 'baseline refuses hostPorts'), cisFix('Pod Security restricted by default')),

  // 5.3 Network Policies and CNI
  check(
    '5.3.1',
    'Ensure that the CNI in use supports NetworkPolicies',
    'policies',
    false,
    {
      kind: 'fact',
      reads: 'DaemonSets in kube-system (rfo-network-policy, the policy engine beside flannel)',
      expected: 'a NetworkPolicy engine runs',
      evaluate: (facts) => {
        const engine = facts.api?.daemonSets.find((d) => d.namespace === 'kube-system' && /network-policy|kube-router|calico|cilium/.test(d.name));
        return engine ? { pass: true, actual: `${engine.namespace}/${engine.name}` } : { pass: false, actual: facts.api ? 'flannel alone: NetworkPolicies are stored but not enforced' : `API not read: ${facts.apiError ?? 'unknown'}` };
      },
    },
    'keep the network-policy add-on (network-policy: kube-router, the default) so NetworkPolicies are enforced',
  ),
  check(
    '5.3.2',
    'Ensure that all Namespaces have NetworkPolicies defined',
    'policies',
    false,
    {
      kind: 'fact',
      reads: 'NetworkPolicies and Namespaces',
      expected: 'every namespace holds a NetworkPolicy',
      evaluate: (facts) => {
        if (!facts.api) return { pass: false, actual: `API not read: ${facts.apiError ?? 'unknown'}` };
        const without = facts.api.namespaces.map((n) => n.name).filter((n) => !facts.api?.networkPolicyNamespaces.includes(n));
        return without.length === 0 ? { pass: true, actual: 'every namespace has one' } : { pass: false, actual: `none in: ${without.join(', ')}` };
      },
    },
    'add NetworkPolicies to your namespaces (profile: cis puts RKE2\'s defaults in kube-system, kube-public and default)',
  ),

  // 5.4–5.6
  check('5.4.1', 'Prefer using Secrets as files over Secrets as environment variables', 'policies', false, manual('Pods with secretKeyRef env'), 'mount Secrets as files'),
  check('5.4.2', 'Consider external secret storage', 'policies', false, manual(), 'rfo encrypts Secrets at rest (aescbc or secretbox); an external KMS is yours to add'),
  check('5.5.1', 'Configure Image Provenance using ImagePolicyWebhook admission controller', 'policies', false, manual(), 'rfo verifies its own images against the signed manifest (rfo verify); for workloads, add an image policy webhook'),
  check('5.6.1', 'Create administrative boundaries between resources using namespaces', 'policies', false, manual(), 'put workloads in namespaces of their own'),
  check('5.6.2', 'Ensure that the seccomp profile is set to docker/default in your Pod definitions', 'policies', false, kubelet(kl('seccomp-default', 'seccompDefault', 'false'), eq('true')), cisFix('kubelet seccompDefault: RuntimeDefault for every pod that names no profile')),
  check('5.6.3', 'Apply SecurityContext to your Pods and Containers', 'policies', false, manual(), 'set securityContext in your pods (Pod Security restricted requires most of it)'),
  check(
    '5.6.4',
    'The default namespace should not be used',
    'policies',
    false,
    {
      kind: 'fact',
      reads: 'Pods and Services in default',
      expected: 'nothing in default but the kubernetes Service',
      evaluate: (facts) => {
        if (!facts.api) return { pass: false, actual: `API not read: ${facts.apiError ?? 'unknown'}` };
        const objs = facts.api.defaultNamespaceObjects;
        return objs.length === 0 ? { pass: true, actual: 'empty' } : { pass: false, actual: objs.slice(0, 10).join(', ') + (objs.length > 10 ? ', …' : '') };
      },
    },
    'move workloads to namespaces of their own',
  ),
];

/** 4.2.9: kubelet's serving pair from flags or its configuration. */
function flagsOrConfig(): Audit {
  return {
    kind: 'fact',
    reads: 'kubelet --tls-cert-file/--tls-private-key-file, else tlsCertFile/tlsPrivateKeyFile in its configuration',
    expected: 'both set',
    evaluate: (facts) => {
      const flag = (n: string) => facts.processes.kubelet?.flags[n]?.at(-1);
      const cert = flag('tls-cert-file') ?? (facts.kubeletConfig.tlsCertFile as string | undefined);
      const key = flag('tls-private-key-file') ?? (facts.kubeletConfig.tlsPrivateKeyFile as string | undefined);
      return { pass: Boolean(cert && key), actual: `tlsCertFile=${cert ?? '(unset)'} tlsPrivateKeyFile=${key ?? '(unset)'}` };
    },
  };
}
