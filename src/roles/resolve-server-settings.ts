// Pure: the server's settings as typed fields, read once from the resolved
// flag values (which the flag table already validated). The rest of the
// server reads these, never `values['…']` by string.

import type { FlagValue } from '../config/resolve-config.ts';
import { list, str } from './prepare-node.ts';

type Values = Readonly<Record<string, FlagValue | undefined>>;

export interface ServerConfig {
  readonly httpsPort: number;
  readonly supervisorPort: number;
  readonly bindAddress: string;
  /** The address the apiserver advertises (advertise-address, else the node IP). */
  readonly advertiseAddress: string;
  readonly nodeExternalIps: readonly string[];
  readonly tlsSans: readonly string[];
  readonly clusterCidr: string;
  readonly serviceCidr: string;
  readonly serviceNodePortRange: string;
  readonly clusterDns: string;
  readonly clusterDomain: string;
  /** Packaged add-ons not to deploy (and to delete if deployed); `ingress-controller: none` adds rfo-traefik. */
  readonly disabled: ReadonlySet<string>;
  /** `ingress-controller`: traefik (rfo-traefik) or none. */
  readonly ingressController: 'traefik' | 'none';
  /** false with disable-helm-controller: HelmCharts are left alone. */
  readonly helmController: boolean;
  /** false with `cni: none`: the user brings a CNI. */
  readonly flannel: boolean;
  /**
   * The rfo-network-policy engine; 'none' with `network-policy: none`,
   * `disable: [rfo-network-policy]` or `cni: none` (a CNI of the user's brings its own policy).
   */
  readonly networkPolicy: 'kube-router' | 'none';
  /** The server to join (`server:`), '' for the first server. */
  readonly joinUrl: string;
  /** secrets-encryption: a new cluster starts with Secrets encrypted. */
  readonly secretsEncryption: boolean;
  readonly secretsEncryptionProvider: 'aescbc' | 'secretbox';
  readonly clusterReset: boolean;
  readonly clusterResetRestorePath?: string;
  readonly snapshots: { readonly enabled: boolean; readonly cron: string; readonly name: string; readonly compress: boolean; readonly retention: number; readonly s3Retention: number };
  readonly extraArgs: {
    readonly etcd: readonly string[];
    readonly 'kube-apiserver': readonly string[];
    readonly 'kube-controller-manager': readonly string[];
    readonly 'kube-scheduler': readonly string[];
    readonly 'helm-controller': readonly string[];
  };
  readonly extraEnv: {
    readonly etcd: readonly string[];
    readonly 'kube-apiserver': readonly string[];
    readonly 'kube-controller-manager': readonly string[];
    readonly 'kube-scheduler': readonly string[];
  };
  /** profile: cis, the hardened profile (README "CIS hardened profile"); '' for rfo's defaults. */
  readonly profile: '' | 'cis';
  readonly debug: boolean;
  readonly dryRun: boolean;
}

export function resolveServerSettings(values: Values, nodeIp: string): ServerConfig {
  const restore = values['cluster-reset-restore-path'];
  const flannel = !list(values.cni).includes('none');
  const disabled = new Set(list(values.disable));
  const networkPolicy = str(values['network-policy']) === 'none' || !flannel || disabled.has('rfo-network-policy') ? 'none' : 'kube-router';
  // Without an engine the add-on is removed like a disabled one (its rules come off the nodes with it).
  if (networkPolicy === 'none') disabled.add('rfo-network-policy');
  // As RKE2: `none` anywhere in the list deploys no ingress controller (the flag table refused anything but traefik and none).
  const ingressController = list(values['ingress-controller']).includes('none') ? 'none' : 'traefik';
  if (ingressController === 'none') disabled.add('rfo-traefik');
  return {
    httpsPort: Number(values['https-listen-port']),
    supervisorPort: Number(values['supervisor-port']),
    bindAddress: str(values['bind-address']),
    advertiseAddress: str(values['advertise-address']) || nodeIp,
    nodeExternalIps: list(values['node-external-ip']),
    tlsSans: list(values['tls-san']),
    clusterCidr: str(values['cluster-cidr']),
    serviceCidr: str(values['service-cidr']),
    serviceNodePortRange: str(values['service-node-port-range']),
    clusterDns: str(values['cluster-dns']),
    clusterDomain: str(values['cluster-domain']),
    disabled,
    ingressController,
    helmController: values['disable-helm-controller'] !== true,
    secretsEncryption: values['secrets-encryption'] !== false,
    secretsEncryptionProvider: str(values['secrets-encryption-provider']) === 'secretbox' ? 'secretbox' : 'aescbc',
    flannel,
    networkPolicy,
    joinUrl: str(values.server),
    clusterReset: values['cluster-reset'] === true,
    ...(typeof restore === 'string' ? { clusterResetRestorePath: restore } : {}),
    snapshots: {
      enabled: values['etcd-disable-snapshots'] !== true,
      cron: str(values['etcd-snapshot-schedule-cron']),
      name: str(values['etcd-snapshot-name']),
      compress: values['etcd-snapshot-compress'] === true,
      retention: Number(values['etcd-snapshot-retention']),
      s3Retention: Number(values['etcd-s3-retention']),
    },
    extraArgs: {
      etcd: list(values['etcd-arg']),
      'kube-apiserver': list(values['kube-apiserver-arg']),
      'kube-controller-manager': list(values['kube-controller-manager-arg']),
      'kube-scheduler': list(values['kube-scheduler-arg']),
      'helm-controller': list(values['helm-controller-arg']),
    },
    extraEnv: {
      etcd: list(values['etcd-extra-env']),
      'kube-apiserver': list(values['kube-apiserver-extra-env']),
      'kube-controller-manager': list(values['kube-controller-manager-extra-env']),
      'kube-scheduler': list(values['kube-scheduler-extra-env']),
    },
    profile: str(values.profile) === 'cis' ? 'cis' : '',
    debug: values.debug === true,
    dryRun: values['dry-run'] === true,
  };
}
