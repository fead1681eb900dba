// The rfo-gateway-api-crds chart: the standard channel of Gateway API
// (sigs.k8s.io/gateway-api, config/crd/standard/*.yaml: the CRDs and the
// upstream "safe-upgrades" ValidatingAdmissionPolicy) as a chart of its own,
// as RKE2 v1.37 ships rke2-gateway-api-crd (ADR rancher/rke2 011): the CRDs'
// lifecycle is not tied to Traefik's, so another Gateway implementation can
// use them and a user can disable the chart to manage them (or the
// experimental channel) alone. The YAML comes from the module zip at build
// time; this file only lays it out.
//
// The CRDs are chart files (files/), not templates: Helm pastes them
// verbatim (.Files.Get), so nothing in a 400 KB CRD is read as a template,
// and templates/ (not crds/) makes `helm upgrade` update them. Each CRD gets
// helm.sh/resource-policy: keep, as RKE2 does: disabling the chart (or
// uninstalling the release) must not delete the CRDs, which would delete
// every Gateway and HTTPRoute in the cluster with them.

import { parseAllDocuments, stringify } from 'yaml';
import type { ChartFile, ChartSpec } from './chart-spec.ts';

export interface ModuleYamlFile {
  /** File name in the module's directory, e.g. gateway.networking.k8s.io_gateways.yaml. */
  readonly name: string;
  readonly text: string;
}

export interface GatewayApiCrdsChartInput {
  /** The sigs.k8s.io/gateway-api version, e.g. v1.6.3. */
  readonly version: string;
  /** config/crd/standard/*.yaml of the module zip; [] describes the chart without them (for the build key). */
  readonly files: readonly ModuleYamlFile[];
}

export const keepAnnotation = 'helm.sh/resource-policy';

/** One module file as the chart's copy: CRDs annotated to be kept, every other document unchanged. */
export function chartCopyOf(file: ModuleYamlFile): ChartFile {
  const docs = parseAllDocuments(file.text);
  const out: string[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file.name}: not valid YAML: ${doc.errors[0]?.message ?? ''}`);
    const obj = doc.toJS() as { kind?: string; metadata?: { annotations?: Record<string, string> } } | null;
    if (!obj) continue;
    if (obj.kind === 'CustomResourceDefinition') {
      obj.metadata = { ...obj.metadata, annotations: { ...(obj.metadata?.annotations ?? {}), [keepAnnotation]: 'keep' } };
    }
    out.push(stringify(obj, { lineWidth: 0 }));
  }
  return { path: `files/${file.name}`, content: out.join('---\n') };
}

const template = `{{- /* Every file of files/, verbatim: the Gateway API standard channel (see values.yaml). */}}
{{- range $path, $_ := .Files.Glob "files/*.yaml" }}
---
{{ $.Files.Get $path }}
{{- end }}
`;

export function gatewayApiCrdsChart(input: GatewayApiCrdsChartInput): ChartSpec {
  const names = input.files.map((f) => f.name).sort();
  const values = {
    // Informational: what the chart carries (the CRDs are not templated).
    gatewayAPI: { version: input.version, channel: 'standard', files: names },
  };
  return {
    name: 'rfo-gateway-api-crds',
    version: input.version.replace(/^v/, ''),
    appVersion: input.version,
    description: 'Gateway API standard channel CRDs (sigs.k8s.io/gateway-api), kept when the chart is removed',
    files: [{ path: 'values.yaml', content: stringify(values) }, { path: 'templates/crds.yaml', content: template }, ...[...input.files].sort((a, b) => a.name.localeCompare(b.name)).map(chartCopyOf)],
  };
}
