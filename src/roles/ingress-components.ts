// The ingress add-ons as server components (the order is plan-ingress.ts'):
// the rfo-gateway-api-crds HelmChart is written once CoreDNS answers (as
// metrics-server's and local-path's, see plan-addon-charts.ts); rfo-traefik's is written by a background loop as soon as the
// Gateway API CRDs are Established. Nothing waits for it: installing the
// CRD chart takes a helm job (tens of seconds), and rfo is ready without an
// ingress, as RKE2 is.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../kube/kube-client.ts';
import { crdEstablished } from '../kube/apply-crd.ts';
import type { Crd } from '../kube/apply-crd.ts';
import { typeOf } from '../kube/resource-path.ts';
import { loopComponent, stepComponent } from '../lifecycle/kinds.ts';
import type { Component } from '../lifecycle/manager.ts';
import { renderPackagedHelmChart } from '../render/helmchart-manifest.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { traefikValues } from '../addons/plan-ingress.ts';
import type { IngressPlan } from '../addons/plan-ingress.ts';

export interface IngressComponentsInput {
  readonly plan: IngressPlan;
  readonly manifestsDir: string;
  /** What the first write waits for (the node Ready, the add-on deployer). */
  readonly after: readonly string[];
  readonly client: () => Promise<KubeClient>;
  /** One pass of the add-on deployer, so a written file is applied at once. */
  readonly sync: () => Promise<void>;
  readonly log: (message: string) => void;
}

const crdType = typeOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
const pollMs = 1000;
/** After this, rfo-traefik is written anyway (its chart then leaves the Gateway objects out) and a warning says why. */
const crdPatienceMs = 10 * 60_000;

async function writeChart(dir: string, name: string, chartPath: string, values: Record<string, unknown>): Promise<void> {
  const chart = await readFile(chartPath);
  await writeFileAtomic(join(dir, `${name}.yaml`), renderPackagedHelmChart({ name, chart, targetNamespace: 'kube-system', values }));
}

export function ingressComponents(i: IngressComponentsInput): Component[] {
  const { plan } = i;
  const out: Component[] = [];
  if (plan.gatewayApiCrds) {
    const crds = plan.gatewayApiCrds;
    out.push(
      stepComponent(
        'gateway-api-crds-manifest',
        async () => {
          await writeChart(i.manifestsDir, 'rfo-gateway-api-crds', crds.chart, {});
          await i.sync();
        },
        { after: i.after },
      ),
    );
  }
  if (plan.traefik) {
    const traefik = plan.traefik;
    out.push(
      loopComponent(
        'traefik-manifest',
        () => {
          let stopped = false;
          const run = async () => {
            const started = Date.now();
            const client = await i.client();
            for (const name of traefik.waitFor) {
              while (!stopped && !crdEstablished(await client.get<Crd>(crdType, name).catch(() => undefined))) {
                if (Date.now() - started > crdPatienceMs) {
                  i.log(`WARNING: CustomResourceDefinition ${name} not Established after ${crdPatienceMs / 60_000} min (see kubectl -n kube-system describe helmchart rfo-gateway-api-crds); writing rfo-traefik without waiting: its Gateway objects come with its next upgrade`);
                  break;
                }
                await new Promise((r) => setTimeout(r, pollMs));
              }
              if (Date.now() - started > crdPatienceMs) break;
            }
            if (stopped) return;
            await writeChart(i.manifestsDir, 'rfo-traefik', traefik.chart, traefikValues(traefik.image));
            await i.sync();
            i.log(`rfo-traefik HelmChart written${traefik.waitFor.length > 0 ? ` (Gateway API CRDs Established after ${((Date.now() - started) / 1000).toFixed(1)}s)` : ''}`);
          };
          // An API error (the apiserver restarting) is retried; only stop() ends the loop early.
          void (async () => {
            while (!stopped) {
              try {
                return await run();
              } catch (err) {
                i.log(`rfo-traefik: could not write its HelmChart (retrying in 5s): ${(err as Error).message}`);
                await new Promise((r) => setTimeout(r, 5000));
              }
            }
          })();
          return { stop: () => void (stopped = true) };
        },
        { after: plan.gatewayApiCrds ? [...i.after, 'gateway-api-crds-manifest'] : i.after },
      ),
    );
  }
  return out;
}
