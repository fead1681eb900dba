// Pure: kube-apiserver's admission configuration under the cis profile
// (--admission-control-config-file): Pod Security admission with `restricted`
// as the cluster default, as RKE2's rke2-pss.yaml, exempting the namespace
// rfo's own components run in; and the EventRateLimit plugin (CIS 1.2.9)
// with its configuration file.

import { stringify } from 'yaml';

/**
 * Namespaces Pod Security admission leaves alone. Every packaged add-on of
 * rfo runs in kube-system (CoreDNS, helm-controller's install jobs, and the
 * network-policy, ingress, metrics-server and local-path add-ons), which
 * needs host networking, privileged containers or hostPath volumes; RKE2
 * exempts kube-system too (plus the namespaces of Rancher's CIS operator and
 * Tigera's operator, which rfo does not ship).
 */
export const podSecurityExemptNamespaces: readonly string[] = ['kube-system'];

export function renderAdmissionConfig(eventRateLimitFile: string): string {
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [
      {
        name: 'PodSecurity',
        configuration: {
          apiVersion: 'pod-security.admission.config.k8s.io/v1',
          kind: 'PodSecurityConfiguration',
          defaults: { enforce: 'restricted', 'enforce-version': 'latest', audit: 'restricted', 'audit-version': 'latest', warn: 'restricted', 'warn-version': 'latest' },
          exemptions: { usernames: [], runtimeClasses: [], namespaces: [...podSecurityExemptNamespaces] },
        },
      },
      { name: 'EventRateLimit', path: eventRateLimitFile },
    ],
  });
}

/**
 * EventRateLimit's own file: a server-wide limit, the K3s hardening guide's
 * values (5000 events/s, bursts of 20000): far above what a healthy cluster
 * writes, low enough that a looping controller cannot flood etcd with Events.
 */
export function renderEventRateLimitConfig(): string {
  return stringify({
    apiVersion: 'eventratelimit.admission.k8s.io/v1alpha1',
    kind: 'Configuration',
    limits: [{ type: 'Server', qps: 5000, burst: 20000 }],
  });
}
