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

/**
 * The environment every Go add-on container starts with (values `env`, a
 * container env list users replace with a HelmChartConfig). GOGC=50: the
 * heap may grow to 1.5× what is live instead of 2×. Not the host's 25
 * (go-runtime-env.ts): these heaps are a few MiB, where 25 measured no gain
 * (bench:server, 2026-12-06), and CoreDNS and Traefik serve the data path.
 */
export const addonGoEnv = [{ name: 'GOGC', value: '50' }] as const;

/** Template lines appending `.Values.env` to a container's env list (items at 12 spaces). */
export const valuesEnvLines = `            {{- with .Values.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}`;

/** Template lines of a pod spec (at 6 spaces) placing it by `systemAddonPlacement`'s values. */
export const placementLines = `      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}`;
