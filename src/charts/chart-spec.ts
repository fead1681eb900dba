// The data a packaged chart is made of: its files, as text, under the
// chart's directory. Charts are written here (TypeScript data, Helm
// templates as strings), packaged reproducibly by package-chart.ts into the
// runtime's charts/ directory, and deployed as HelmCharts with chartContent.

export interface ChartFile {
  /** Path inside the chart directory, e.g. "templates/deployment.yaml". */
  readonly path: string;
  readonly content: string;
}

export interface ChartSpec {
  /** The chart's name, also the HelmChart's and the release's (rfo-coredns). */
  readonly name: string;
  /** SemVer 2, as Chart.yaml's version. */
  readonly version: string;
  readonly appVersion: string;
  readonly description: string;
  readonly files: readonly ChartFile[];
}

/**
 * Where rfo's system add-ons may run, the values every packaged chart starts
 * from (users override them with a HelmChartConfig): Linux nodes, control-plane
 * nodes included, and nodes tainted for critical add-ons only.
 */
export const systemAddonPlacement = {
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [
    { key: 'CriticalAddonsOnly', operator: 'Exists' },
    { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
  ],
  affinity: {},
} as const;
