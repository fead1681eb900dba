// Pure: the audit policy of the cis profile (CIS 3.2.1, 3.2.2). RKE2 writes a
// policy that logs nothing (`level: None`) and leaves the rest to the
// operator; rfo logs every request at Metadata (who did what to which object,
// when, from where, with what result) and never a body, so a Secret's value
// never reaches the log. Leases (kubelet heartbeats and leader elections,
// several a second) and health probes are left out: they would be most of
// the log and say nothing about who changed what.
// Change it with kube-apiserver-arg: audit-policy-file=<your file>.

import { stringify } from 'yaml';

export function renderAuditPolicy(): string {
  return stringify({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    // The same event again at ResponseComplete: RequestReceived only doubles the log.
    omitStages: ['RequestReceived'],
    rules: [
      // First match wins: these stay at Metadata even if the catch-all below is raised to Request.
      {
        level: 'Metadata',
        resources: [
          { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
          { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
        ],
      },
      { level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }] },
      { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
      // Everything else, pods/exec, pods/portforward, pods/proxy and services/proxy among it.
      { level: 'Metadata' },
    ],
  });
}
