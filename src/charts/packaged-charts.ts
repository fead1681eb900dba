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

function imageOf(component: ComponentId): string {
  const recipe = imageRecipes.find((r) => r.component === component);
  if (!recipe) throw new Error(`no image recipe for ${component}`);
  return recipe.ref;
}

export interface PackagedChart {
  readonly spec: ChartSpec;
  /** The component whose images the chart runs (the chart is left out of runtimes without it). */
  readonly component: ComponentId;
  /** Other components whose images it runs too (local-path's helper pod runs busybox). */
  readonly alsoRuns?: readonly ComponentId[];
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
  ];
}
