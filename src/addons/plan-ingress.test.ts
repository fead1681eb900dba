import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RuntimeManifest } from '../build/render-manifest.ts';
import { gatewayApiCrds, planIngress, traefikValues } from './plan-ingress.ts';

const manifest = {
  key: 'k1',
  artifacts: [
    { kind: 'image', name: 'docker.io/rfo/traefik:v3.7.13', component: 'traefik' },
    { kind: 'chart', name: 'rfo-traefik', component: 'traefik', path: 'charts/rfo-traefik.tgz' },
    { kind: 'chart', name: 'rfo-gateway-api-crds', component: 'gateway-api', path: 'charts/rfo-gateway-api-crds.tgz' },
  ],
} as unknown as RuntimeManifest;

test('by default the CRD chart goes first and rfo-traefik waits for its Gateway API CRDs', () => {
  const p = planIngress(manifest, '/rt', new Set());
  assert.deepEqual(p.gatewayApiCrds, { chart: '/rt/charts/rfo-gateway-api-crds.tgz' });
  assert.deepEqual(p.traefik, { chart: '/rt/charts/rfo-traefik.tgz', image: 'docker.io/rfo/traefik:v3.7.13', waitFor: [...gatewayApiCrds] });
  assert.deepEqual(p.warnings, []);
  assert.deepEqual(traefikValues('docker.io/rfo/traefik:v3.7.13'), { image: { repository: 'docker.io/rfo/traefik', tag: 'v3.7.13' } });
});

test('disable: each chart alone; without rfo-gateway-api-crds Traefik waits for nothing', () => {
  const noCrds = planIngress(manifest, '/rt', new Set(['rfo-gateway-api-crds']));
  assert.equal(noCrds.gatewayApiCrds, undefined);
  assert.deepEqual(noCrds.traefik?.waitFor, []);
  const noTraefik = planIngress(manifest, '/rt', new Set(['rfo-traefik']));
  assert.equal(noTraefik.traefik, undefined);
  assert.ok(noTraefik.gatewayApiCrds);
});

test('a runtime without the charts (built with --only) deploys none of them, and says so', () => {
  const p = planIngress({ key: 'k2', artifacts: [] }, '/rt', new Set());
  assert.equal(p.traefik, undefined);
  assert.equal(p.gatewayApiCrds, undefined);
  assert.equal(p.warnings.length, 2);
  assert.match(p.warnings[1] ?? '', /runtime k2 has no rfo-traefik chart/);
});
