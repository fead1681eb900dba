// Pure value checks named by the flag table's `check` field. Each returns an
// error message for one bad value, or undefined when the value is fine.

import { isIP } from 'node:net';
import type { FlagCheck } from './flags.ts';

const taintEffects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
const cnis = new Set(['none', 'flannel']);
const ingressControllers = new Set(['traefik', 'none']);

/** Where users of the retired ingress-nginx go (README "Ingress and Gateway API"). */
export const ingressNginxRetired =
  '"ingress-nginx" is not shipped: ingress-nginx was retired upstream in March 2026 (no releases or security fixes since). ' +
  'Use traefik, the default: set providers.kubernetesIngressNGINX.enabled: true in a HelmChartConfig for rfo-traefik and it serves ' +
  'Ingresses written for ingress-nginx (class nginx, most nginx.ingress.kubernetes.io/* annotations). ' +
  'Migration: README "Ingress and Gateway API", https://docs.rke2.io/reference/ingress_migration';

function isCidr(v: string): boolean {
  const [ip, bits, extra] = v.split('/');
  if (extra !== undefined || !ip || !bits || !/^\d+$/.test(bits)) return false;
  const family = isIP(ip);
  const n = Number(bits);
  return (family === 4 && n <= 32) || (family === 6 && n <= 128);
}

// Kubernetes' rule for node names and the cluster domain (IsDNS1123Subdomain).
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isPort(v: string): boolean {
  return /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535;
}

export function checkValue(check: FlagCheck, value: string): string | undefined {
  switch (check) {
    case 'cidr':
      return isCidr(value) ? undefined : `"${value}" is not a CIDR such as 10.42.0.0/16`;
    case 'ip':
      return isIP(value) ? undefined : `"${value}" is not an IP address`;
    case 'dns-subdomain':
      return dns1123Subdomain.test(value) && value.length <= 253
        ? undefined
        : `"${value}" is not a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters (e.g. node-1 or cluster.local)`;
    case 'port':
      return isPort(value) ? undefined : `"${value}" is not a port number (1-65535)`;
    case 'port-range': {
      const [a, b, extra] = value.split('-');
      const ok = extra === undefined && a !== undefined && b !== undefined && isPort(a) && isPort(b) && Number(a) <= Number(b);
      return ok ? undefined : `"${value}" is not a port range such as 30000-32767`;
    }
    case 'file-mode':
      return /^0?[0-7]{3}$/.test(value) ? undefined : `"${value}" is not an octal file mode such as 0600 or 644`;
    case 'key-value':
      return /^[A-Za-z0-9][A-Za-z0-9-_.]*=/.test(value.replace(/^--?/, '')) ? undefined : `"${value}" is not flag=value`;
    case 'label':
      return /^([A-Za-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?=([A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?)?$/.test(value)
        ? undefined
        : `"${value}" is not a label key=value`;
    case 'taint': {
      const m = /^([A-Za-z0-9./_-]+)(=[A-Za-z0-9._-]*)?:([A-Za-z]+)$/.exec(value);
      return m?.[3] && taintEffects.has(m[3]) ? undefined : `"${value}" is not a taint key=value:Effect (NoSchedule, PreferNoSchedule or NoExecute)`;
    }
    case 'url': {
      try {
        const u = new URL(value);
        return u.protocol === 'https:' ? undefined : `"${value}" must be an https:// URL`;
      } catch {
        return `"${value}" is not a URL such as https://<server>:9345`;
      }
    }
    case 'absolute-path':
      return value.startsWith('/') ? undefined : `"${value}" is not an absolute path`;
    case 'encryption-provider':
      return value === 'aescbc' || value === 'secretbox' ? undefined : `"${value}" is not a secrets encryption provider (aescbc, secretbox; aesgcm and kms are not offered)`;
    case 'ingress-controller':
      if (value === 'ingress-nginx') return ingressNginxRetired;
      return ingressControllers.has(value) ? undefined : `"${value}" is not a supported ingress controller (${[...ingressControllers].join(', ')})`;
    case 'network-policy':
      if (value === 'kube-network-policies') {
        return (
          '"kube-network-policies" is not offered: the versions the Go module proxy serves (v0.7.0, v0.8.0) send packets to userspace ' +
          "with nftables' queue verdict, which kernels built without CONFIG_NFT_QUEUE (this project's CI kernel among them) refuse; use kube-router or none"
        );
      }
      return value === 'kube-router' || value === 'none' ? undefined : `"${value}" is not a network policy engine (kube-router, none)`;
    case 'cni':
      return cnis.has(value) ? undefined : `"${value}" is not a supported CNI (${[...cnis].join(', ')})`;
    default:
      return undefined;
  }
}
