// Pure: the certificates a server needs, as data (kubeadm's certlist idea),
// laid out as RKE2 does under <data-dir>/server/tls. Signers, subjects,
// usages and SANs are decided here; generating keys is someone else's job.

import { isIP } from 'node:net';
import { intToIpv4, ipv4ToInt } from '../util/ip.ts';

export type CertUsage = 'serverAuth' | 'clientAuth';

export interface CaSpec {
  readonly kind: 'ca';
  readonly id: string;
  /** Path relative to the tls dir, without extension (.crt/.key are added). */
  readonly file: string;
  readonly commonName: string;
  readonly validityDays: number;
  /** Derive the key from this (earlier) CA's key instead of a random one (see derive-key.ts). */
  readonly deriveKeyFrom?: string;
}

export interface LeafSpec {
  readonly kind: 'leaf';
  readonly id: string;
  readonly file: string;
  readonly signer: string;
  readonly commonName: string;
  readonly organization?: readonly string[];
  readonly usages: readonly CertUsage[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly validityDays: number;
}

export type CertSpec = CaSpec | LeafSpec;

export interface PkiInput {
  readonly nodeName: string;
  readonly nodeIps: readonly string[];
  /** User --tls-san values: host names or IPs. */
  readonly tlsSans: readonly string[];
  readonly serviceCidr: string;
  readonly clusterDomain: string;
}

/** RKE2/K3s: CAs for 10 years, leaves for one (renewed when under 90 days remain). */
export const caValidityDays = 3650;
export const leafValidityDays = 365;
export const renewBeforeDays = 90;

/** The first address of the service CIDR: the `kubernetes` Service's ClusterIP. */
export function apiServiceIp(serviceCidr: string): string {
  const [base = ''] = serviceCidr.split('/');
  if (isIP(base) !== 4) throw new Error(`only IPv4 service CIDRs are supported, got ${serviceCidr}`);
  return intToIpv4(ipv4ToInt(base) + 1);
}

function splitSans(values: readonly string[]): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const v of values) (isIP(v) ? ips : dns).push(v);
  return { dns: [...new Set(dns)], ips: [...new Set(ips)] };
}

export function planCertSpecs(input: PkiInput): CertSpec[] {
  const ca = (id: string, file: string, commonName: string): CaSpec => ({ kind: 'ca', id, file, commonName, validityDays: caValidityDays });
  const leaf = (s: Omit<LeafSpec, 'kind' | 'validityDays' | 'dnsNames' | 'ipAddresses'> & Partial<Pick<LeafSpec, 'dnsNames' | 'ipAddresses'>>): LeafSpec => ({
    kind: 'leaf',
    validityDays: leafValidityDays,
    dnsNames: [],
    ipAddresses: [],
    ...s,
  });
  const apiserverSans = splitSans([
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    `kubernetes.default.svc.${input.clusterDomain}`,
    'localhost',
    input.nodeName,
    '127.0.0.1',
    '::1',
    apiServiceIp(input.serviceCidr),
    ...input.nodeIps,
    ...input.tlsSans,
  ]);
  const nodeSans = splitSans(['localhost', input.nodeName, '127.0.0.1', ...input.nodeIps]);
  const client = (id: string, commonName: string, organization?: string[]) =>
    leaf({ id, file: `client-${id}`, signer: 'client-ca', commonName, usages: ['clientAuth'], ...(organization ? { organization } : {}) });
  return [
    ca('server-ca', 'server-ca', 'rfo-server-ca'),
    // Kubelet serving certificates have a CA of their own, trusted only by
    // kube-apiserver for kubelet connections (--kubelet-certificate-authority):
    // an agent's serving certificate can then never pass as an apiserver or
    // supervisor certificate, which clients check against server-ca.
    { ...ca('kubelet-ca', 'kubelet-ca', 'rfo-kubelet-ca'), deriveKeyFrom: 'server-ca' },
    ca('client-ca', 'client-ca', 'rfo-client-ca'),
    ca('request-header-ca', 'request-header-ca', 'rfo-request-header-ca'),
    ca('etcd-server-ca', 'etcd/server-ca', 'etcd-server-ca'),
    ca('etcd-peer-ca', 'etcd/peer-ca', 'etcd-peer-ca'),
    leaf({ id: 'serving-kube-apiserver', file: 'serving-kube-apiserver', signer: 'server-ca', commonName: 'kube-apiserver', usages: ['serverAuth'], dnsNames: apiserverSans.dns, ipAddresses: apiserverSans.ips }),
    leaf({ id: 'serving-supervisor', file: 'serving-supervisor', signer: 'server-ca', commonName: 'rfo-supervisor', usages: ['serverAuth'], dnsNames: apiserverSans.dns, ipAddresses: apiserverSans.ips }),
    leaf({ id: 'serving-kubelet', file: 'serving-kubelet', signer: 'kubelet-ca', commonName: input.nodeName, usages: ['serverAuth'], dnsNames: nodeSans.dns, ipAddresses: nodeSans.ips }),
    client('admin', 'system:admin', ['system:masters']),
    client('supervisor', 'system:rfo-supervisor', ['system:masters']),
    client('controller', 'system:kube-controller-manager'),
    client('scheduler', 'system:kube-scheduler'),
    // Bound to cluster-admin by rfo (it binds that role to each chart's job), but its own
    // name: revocable, visible in audit logs, and not system:masters.
    client('helm-controller', 'system:rfo-helm-controller'),
    client('kube-apiserver', 'system:kube-apiserver', ['system:masters']),
    client('kube-proxy', 'system:kube-proxy'),
    client('flannel', 'system:rfo-flannel'),
    leaf({ id: 'kubelet', file: 'client-kubelet', signer: 'client-ca', commonName: `system:node:${input.nodeName}`, organization: ['system:nodes'], usages: ['clientAuth'] }),
    leaf({ id: 'auth-proxy', file: 'client-auth-proxy', signer: 'request-header-ca', commonName: 'system:auth-proxy', usages: ['clientAuth'] }),
    leaf({ id: 'etcd-server', file: 'etcd/server-client', signer: 'etcd-server-ca', commonName: 'etcd-server', usages: ['serverAuth', 'clientAuth'], dnsNames: nodeSans.dns, ipAddresses: nodeSans.ips }),
    leaf({ id: 'etcd-peer', file: 'etcd/peer-server-client', signer: 'etcd-peer-ca', commonName: 'etcd-peer', usages: ['serverAuth', 'clientAuth'], dnsNames: nodeSans.dns, ipAddresses: nodeSans.ips }),
    leaf({ id: 'etcd-client', file: 'etcd/client', signer: 'etcd-server-ca', commonName: 'etcd-client', usages: ['clientAuth'] }),
  ];
}
