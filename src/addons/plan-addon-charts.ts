// Pure: the packaged add-ons a server writes to server/manifests besides
// CoreDNS (which has its own step: the start waits for it): rfo-network-policy
// at node Ready, rfo-metrics-server and rfo-local-path once CoreDNS answers. Each is the runtime's chart as
// a HelmChart, with the values rfo knows from the node (the runtime's images,
// the kubelet CA, the data dir); users change the rest with a HelmChartConfig.

import { join } from 'node:path';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { imageValues } from '../charts/image-values.ts';
import { chartPathOf, imageRefOf } from '../runtime/runtime-images.ts';

export const addonChartNames = ['rfo-network-policy', 'rfo-metrics-server', 'rfo-local-path'] as const;
export type AddonChartName = (typeof addonChartNames)[number];

/** The components whose images each chart runs, by value name. */
const chartImages: Record<AddonChartName, Readonly<Record<string, string>>> = {
  'rfo-network-policy': { image: 'kube-router' },
  'rfo-metrics-server': { image: 'metrics-server' },
  'rfo-local-path': { image: 'local-path-provisioner', helperImage: 'busybox' },
};

/**
 * When a server writes the chart. The policy engine comes with CoreDNS, at node Ready: pods
 * started before it would run unpoliced. The rest wait until CoreDNS answers: on a 2-core
 * node, five helm jobs and the Gateway API CRDs' OpenAPI rebuild beside CoreDNS's job pushed
 * the cold start to "rfo is ready" from ~12 s to ~17 s (bench:server), and nothing needs
 * metrics, storage or ingress to be ready first.
 */
export type AddonChartPhase = 'with-dns' | 'after-dns';
const chartPhase: Record<AddonChartName, AddonChartPhase> = {
  'rfo-network-policy': 'with-dns',
  'rfo-metrics-server': 'after-dns',
  'rfo-local-path': 'after-dns',
};

export interface AddonChartPlan {
  readonly name: AddonChartName;
  readonly phase: AddonChartPhase;
  /** The chart archive in the staged runtime. */
  readonly chart: string;
  /** Image references from the runtime's manifest, by value name (image, helperImage). */
  readonly images: Readonly<Record<string, string>>;
}

export function isAddonChartName(name: string): name is AddonChartName {
  return (addonChartNames as readonly string[]).includes(name);
}

/** Charts to write for the wanted names; a runtime without a chart (built with --only, or for an arch without busybox) leaves it out, with a warning. */
export function planAddonCharts(manifest: Pick<RuntimeManifest, 'artifacts' | 'key'>, runtimeDir: string, wanted: readonly string[]): { charts: AddonChartPlan[]; warnings: string[] } {
  const charts: AddonChartPlan[] = [];
  const warnings: string[] = [];
  for (const name of wanted) {
    if (!isAddonChartName(name)) continue;
    if (!manifest.artifacts.some((a) => a.kind === 'chart' && a.name === name)) {
      warnings.push(`the runtime ${manifest.key} has no ${name} chart: ${name} is not deployed (rebuild the runtime without --only to get it)`);
      continue;
    }
    const images = Object.fromEntries(Object.entries(chartImages[name]).map(([value, component]) => [value, imageRefOf(manifest, component)]));
    charts.push({ name, phase: chartPhase[name], chart: join(runtimeDir, chartPathOf(manifest, name)), images });
  }
  return { charts, warnings };
}

export interface AddonChartFacts {
  /** server/tls/kubelet-ca.crt: metrics-server verifies kubelets with it. */
  readonly kubeletCaPem: string;
  /** <data-dir>/storage: where local-path keeps volumes on each node. */
  readonly storagePath: string;
  /** service-cidr and service-node-port-range: kube-router's policy controller lets pods reach services and node ports. */
  readonly serviceCidr: string;
  readonly serviceNodePortRange: string;
}

/** The values rfo sets in the HelmChart's valuesContent (a HelmChartConfig's values go over them). */
export function addonChartValues(chart: AddonChartPlan, facts: AddonChartFacts): Record<string, unknown> {
  const images = Object.fromEntries(Object.entries(chart.images).map(([value, ref]) => [value, imageValues(ref)]));
  switch (chart.name) {
    case 'rfo-network-policy':
      return { ...images, serviceClusterIPRange: facts.serviceCidr, serviceNodePortRange: facts.serviceNodePortRange };
    case 'rfo-metrics-server':
      return { ...images, kubeletCA: facts.kubeletCaPem };
    case 'rfo-local-path':
      return { ...images, storagePath: facts.storagePath };
  }
}
