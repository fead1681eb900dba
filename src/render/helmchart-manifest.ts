// Pure: a packaged component as the HelmChart a server writes to
// server/manifests (RKE2's way): the chart inline as chartContent, rfo's
// values as valuesContent, so users change them with a HelmChartConfig of the
// same name and nothing needs a chart repository.

import { stringify } from 'yaml';

export interface PackagedHelmChartInput {
  readonly name: string;
  /** The chart archive (.tgz) bytes. */
  readonly chart: Uint8Array;
  /** Where the release goes (kube-system for rfo's own components). */
  readonly targetNamespace: string;
  /** Values rfo sets from the cluster's settings (cluster-dns...). */
  readonly values: Readonly<Record<string, unknown>>;
  /** A chart that must run before the CNI (host network, control-plane nodes). */
  readonly bootstrap?: boolean;
}

export function renderPackagedHelmChart(i: PackagedHelmChartInput): string {
  return stringify({
    apiVersion: 'helm.cattle.io/v1',
    kind: 'HelmChart',
    metadata: { name: i.name, namespace: 'kube-system' },
    spec: {
      chartContent: Buffer.from(i.chart).toString('base64'),
      targetNamespace: i.targetNamespace,
      ...(i.bootstrap ? { bootstrap: true } : {}),
      // Bundled charts (RKE2 ADR 014): Helm 4's server-side apply must not
      // fail an upgrade on a field a user or controller changed, and a failed
      // upgrade is retried, never answered by uninstalling the component.
      forceConflicts: true,
      failurePolicy: 'retry',
      // helm adopts objects of the same name it finds instead of failing the install.
      takeOwnership: true,
      valuesContent: stringify(i.values),
    },
  });
}
