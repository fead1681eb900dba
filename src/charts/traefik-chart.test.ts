import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { gatewayApiProbe, traefikChart, traefikImageValues } from './traefik-chart.ts';

const chart = traefikChart({ image: 'docker.io/rfo/traefik:v3.7.13', version: 'v3.7.13' });
const file = (path: string) => chart.files.find((f) => f.path === path)?.content ?? '';

test('rfo-traefik: the runtime image, ports 80/443 of every node on the unprivileged entrypoints, RKE2 style', () => {
  const values = parse(file('values.yaml')) as {
    image: unknown;
    ports: Record<string, unknown>;
    providers: Record<string, { enabled: boolean }>;
    ingressClass: unknown;
    gatewayClass: { name: string };
    gateway: { name: string };
    tolerations: { key: string }[];
  };
  assert.equal(chart.name, 'rfo-traefik');
  assert.equal(chart.version, '3.7.13');
  assert.deepEqual(values.image, { repository: 'docker.io/rfo/traefik', tag: 'v3.7.13', pullPolicy: 'IfNotPresent' });
  assert.deepEqual(values.ports.web, { port: 8000, hostPort: 80 });
  assert.deepEqual(values.ports.websecure, { port: 8443, hostPort: 443 });
  // Ingress and Gateway API on; the ingress-nginx compatibility provider is a switch, off.
  assert.equal(values.providers.kubernetesIngress?.enabled, true);
  assert.equal(values.providers.kubernetesGateway?.enabled, true);
  assert.equal(values.providers.kubernetesIngressNGINX?.enabled, false);
  assert.deepEqual(values.ingressClass, { enabled: true, name: 'traefik', isDefaultClass: true });
  assert.equal(values.gatewayClass.name, 'traefik');
  assert.equal(values.gateway.name, 'traefik-gateway');
  // control-plane nodes serve the ingress too
  assert.ok(values.tolerations.some((t) => t.key === 'node-role.kubernetes.io/control-plane'));
  assert.deepEqual(traefikImageValues('registry.example.org/x/traefik:v1'), { repository: 'registry.example.org/x/traefik', tag: 'v1' });
});

test('rfo-traefik: a DaemonSet with hostPorts, no capability, no phone-home, and the providers behind their values', () => {
  const ds = file('templates/daemonset.yaml');
  assert.match(ds, /kind: DaemonSet/);
  assert.match(ds, /hostPort: \{\{ \.Values\.ports\.web\.hostPort \}\}/);
  assert.match(ds, /drop: \[ALL\]/);
  assert.doesNotMatch(ds, /add: \[/, 'binds 8000/8443: no NET_BIND_SERVICE');
  assert.match(ds, /--global\.checkNewVersion=false/);
  assert.match(ds, /--global\.sendAnonymousUsage=false/);
  assert.match(ds, /if \.Values\.providers\.kubernetesIngressNGINX\.enabled \}\}\n\s+- --providers\.kubernetesIngressNGINX=true/);
  assert.match(ds, /if include "rfo-traefik\.gatewayAPI" \. \}\}\n\s+- --providers\.kubernetesGateway=true/);
});

test('rfo-traefik: Gateway API objects and RBAC only when the cluster serves Gateway API', () => {
  assert.match(file('templates/_helpers.tpl'), new RegExp(`\\.Capabilities\\.APIVersions\\.Has "${gatewayApiProbe}"`));
  const gw = file('templates/gateway.yaml');
  assert.match(gw, /^\{\{- if include "rfo-traefik\.gatewayAPI" \. \}\}/);
  assert.match(gw, /controllerName: traefik\.io\/gateway-controller/);
  assert.match(gw, /port: \{\{ \.Values\.ports\.web\.port \}\}/, 'the listener is the web entrypoint');
  assert.match(file('templates/rbac.yaml'), /if include "rfo-traefik\.gatewayAPI" \. \}\}\n\s+- apiGroups: \[gateway\.networking\.k8s\.io\]/);
  const ic = file('templates/ingressclass.yaml');
  assert.match(ic, /ingressclass\.kubernetes\.io\/is-default-class: "true"/);
  assert.match(ic, /controller: traefik\.io\/ingress-controller/);
  assert.match(ic, /controller: k8s\.io\/ingress-nginx/, 'the nginx class comes with the switch');
});
