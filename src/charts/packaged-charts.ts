// The charts a runtime carries (charts/<name>.tgz), each deployed by a server
// as a HelmChart with chartContent. Their images come from the image recipes,
// so a chart always names the image the same runtime ships.

import { components } from '../versions/table.ts';
import { imageRecipes } from '../versions/recipes.ts';
import type { ComponentId } from '../versions/table.ts';
import type { ChartSpec } from './chart-spec.ts';
import { corednsChart } from './coredns-chart.ts';
import { networkPolicyChart } from './network-policy-chart.ts';
import { metricsServerChart } from './metrics-server-chart.ts';
import { localPathChart } from './local-path-chart.ts';
import { traefikChart } from './traefik-chart.ts';
import { gatewayApiCrdsChart } from './gateway-api-crds-chart.ts';
import type { ModuleYamlFile } from './gateway-api-crds-chart.ts';

function imageOf(component: ComponentId): string {
  const recipe = imageRecipes.find((r) => r.component === component);
  if (!recipe) throw new Error(`no image recipe for ${component}`);
  return recipe.ref;
}

/** A chart made at build time from the YAML files of a data module (the component's `data`). */
export interface ModuleChartSource {
  readonly module: string;
  readonly version: string;
  /** go.sum h1: hash the download must have. */
  readonly sum: string;
  /** Directory inside the module zip whose *.yaml files go in. */
  readonly dir: string;
  /** The whole chart from those files (`spec` is this with none). */
  readonly complete: (files: readonly ModuleYamlFile[]) => ChartSpec;
}

export interface PackagedChart {
  readonly spec: ChartSpec;
  /** The component whose images the chart runs (the chart is left out of runtimes without it). */
  readonly component: ComponentId;
  /** Other components whose images it runs too (local-path's helper pod runs busybox). */
  readonly alsoRuns?: readonly ComponentId[];
  /** Set for a chart of data (no image): its files come from this module at build time. */
  readonly fromModule?: ModuleChartSource;
}

function moduleChart(id: ComponentId, complete: (version: string, files: readonly ModuleYamlFile[]) => ChartSpec): PackagedChart {
  const c = components[id];
  if (!c.data) throw new Error(`${id} has no data module`);
  return {
    spec: complete(c.version, []),
    component: id,
    fromModule: { module: c.data.module, version: c.version, sum: c.data.sum, dir: c.data.dir, complete: (files) => complete(c.version, files) },
  };
}

export function packagedCharts(): PackagedChart[] {
  return [
    { spec: corednsChart({ image: imageOf('coredns'), version: components.coredns.version }), component: 'coredns' },
    { spec: metricsServerChart({ image: imageOf('metrics-server'), version: components['metrics-server'].version }), component: 'metrics-server' },
    {
      spec: localPathChart({ image: imageOf('local-path-provisioner'), helperImage: imageOf('busybox'), version: components['local-path-provisioner'].version }),
      component: 'local-path-provisioner',
      alsoRuns: ['busybox'],
    },
    { spec: networkPolicyChart({ image: imageOf('kube-router'), version: components['kube-router'].version }), component: 'kube-router' },
    moduleChart('gateway-api', (version, files) => gatewayApiCrdsChart({ version, files })),
    { spec: traefikChart({ image: imageOf('traefik'), version: components.traefik.version }), component: 'traefik' },
  ];
}

/** What of a chart decides its bytes: the spec, and for a module chart the pinned module. */
export function chartKeyOf(chart: PackagedChart): unknown {
  const m = chart.fromModule;
  return m ? { spec: chart.spec, module: { module: m.module, version: m.version, sum: m.sum, dir: m.dir } } : chart.spec;
}
