// Pure: the ingress add-ons a server writes to server/manifests, in order:
// rfo-gateway-api-crds (the Gateway API standard channel, a chart of its own
// as in RKE2 v1.37), then rfo-traefik once those CRDs are Established, so
// Traefik's chart finds the Gateway API and creates its GatewayClass and
// Gateway at the first install. Either may be disabled (`disable:`, and
// `ingress-controller: none` for rfo-traefik); without the CRD chart Traefik
// is written at once and its Gateway objects appear only if the user brings
// the CRDs (the chart asks the cluster at each install or upgrade).

import { join } from 'node:path';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { traefikImageValues } from '../charts/traefik-chart.ts';
import { chartPathOf, imageRefOf } from '../runtime/runtime-images.ts';

export const ingressAddons = ['rfo-gateway-api-crds', 'rfo-traefik'] as const;
export type IngressAddon = (typeof ingressAddons)[number];

/** The CRDs Traefik's chart and Gateway provider need Established before rfo writes the rfo-traefik HelmChart. */
export const gatewayApiCrds = ['gatewayclasses.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io'] as const;

export interface IngressPlan {
  /** The rfo-gateway-api-crds chart in the staged runtime, when deployed. */
  readonly gatewayApiCrds?: { readonly chart: string };
  readonly traefik?: {
    readonly chart: string;
    /** The runtime's Traefik image. */
    readonly image: string;
    /** CRDs to wait for before writing the HelmChart (empty when rfo does not install them). */
    readonly waitFor: readonly string[];
  };
  readonly warnings: readonly string[];
}

const hasChart = (m: Pick<RuntimeManifest, 'artifacts'>, name: string) => m.artifacts.some((a) => a.kind === 'chart' && a.name === name);

export function planIngress(manifest: Pick<RuntimeManifest, 'artifacts' | 'key'>, runtimeDir: string, disabled: ReadonlySet<string>): IngressPlan {
  const warnings: string[] = [];
  const chartIn = (name: IngressAddon): string | undefined => {
    if (disabled.has(name)) return undefined;
    if (!hasChart(manifest, name)) {
      warnings.push(`the runtime ${manifest.key} has no ${name} chart: ${name} is not deployed (rebuild the runtime without --only to get it)`);
      return undefined;
    }
    return join(runtimeDir, chartPathOf(manifest, name));
  };
  const crds = chartIn('rfo-gateway-api-crds');
  const traefik = chartIn('rfo-traefik');
  return {
    ...(crds ? { gatewayApiCrds: { chart: crds } } : {}),
    ...(traefik ? { traefik: { chart: traefik, image: imageRefOf(manifest, 'traefik'), waitFor: crds ? [...gatewayApiCrds] : [] } } : {}),
    warnings,
  };
}

/** The values rfo sets in rfo-traefik's valuesContent (a HelmChartConfig's go over them): the runtime's image. */
export function traefikValues(image: string): Record<string, unknown> {
  return { image: traefikImageValues(image) };
}
