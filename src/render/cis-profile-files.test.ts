import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { podSecurityExemptNamespaces, renderAdmissionConfig, renderEventRateLimitConfig } from './admission-config.ts';
import { renderAuditPolicy } from './audit-policy.ts';
import { cisNoAutomountNamespaces, renderCisNetworkPolicies } from './cis-network-policies.ts';
import { auditLevelFor, enforcedLevel, podSecurityDefaults } from '../cis/read-policy-docs.ts';

test('admission configuration: Pod Security restricted by default (enforce, audit, warn), kube-system exempt; EventRateLimit from its own file', () => {
  const doc = parse(renderAdmissionConfig('/d/server/etc/event-rate-limit.yaml')) as { kind: string; plugins: { name: string; path?: string; configuration?: Record<string, unknown> }[] };
  assert.equal(doc.kind, 'AdmissionConfiguration');
  const psa = doc.plugins.find((p) => p.name === 'PodSecurity')?.configuration;
  assert.deepEqual(psa?.defaults, { enforce: 'restricted', 'enforce-version': 'latest', audit: 'restricted', 'audit-version': 'latest', warn: 'restricted', 'warn-version': 'latest' });
  assert.deepEqual((psa?.exemptions as { namespaces: string[] }).namespaces, ['kube-system']);
  assert.deepEqual(podSecurityExemptNamespaces, ['kube-system']);
  assert.equal(doc.plugins.find((p) => p.name === 'EventRateLimit')?.path, '/d/server/etc/event-rate-limit.yaml');
  const d = podSecurityDefaults(doc);
  assert.equal(enforcedLevel(d, { name: 'default', labels: {} }), 'restricted');
  assert.equal(enforcedLevel(d, { name: 'kube-system', labels: {} }), 'exempt');
  assert.equal(enforcedLevel(d, { name: 'ci', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }), 'privileged');
  const erl = parse(renderEventRateLimitConfig()) as { kind: string; limits: unknown[] };
  assert.equal(erl.kind, 'Configuration');
  assert.deepEqual(erl.limits, [{ type: 'Server', qps: 5000, burst: 20000 }]);
});

test('audit policy: Secrets, ConfigMaps and TokenReviews at Metadata (never a body), leases and probes left out, the rest at Metadata', () => {
  const p = parse(renderAuditPolicy()) as unknown;
  assert.equal(auditLevelFor(p, '', 'secrets'), 'Metadata');
  assert.equal(auditLevelFor(p, '', 'configmaps'), 'Metadata');
  assert.equal(auditLevelFor(p, 'authentication.k8s.io', 'tokenreviews'), 'Metadata');
  assert.equal(auditLevelFor(p, 'coordination.k8s.io', 'leases'), 'None');
  assert.equal(auditLevelFor(p, '', 'pods/exec'), 'Metadata');
  assert.equal(auditLevelFor(p, 'apps', 'deployments'), 'Metadata');
  assert.doesNotMatch(renderAuditPolicy(), /Request(Response)?\b/, 'no rule logs bodies');
  assert.deepEqual((p as { omitStages: string[] }).omitStages, ['RequestReceived']);
});

test("default NetworkPolicies: RKE2's, same-namespace ingress in kube-system, kube-public and default, DNS from anywhere, the add-ons' ports", () => {
  const ps = renderCisNetworkPolicies();
  const names = ps.map((p) => `${p.namespace}/${p.object.metadata.name}`);
  assert.deepEqual(names, [
    'kube-system/default-network-policy',
    'kube-public/default-network-policy',
    'default/default-network-policy',
    'kube-system/default-network-dns-policy',
    'kube-system/default-network-traefik-policy',
    'kube-system/default-network-metrics-server-policy',
  ]);
  const base = ps[2]?.object.spec;
  assert.deepEqual(base, { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
  const dns = ps[3]?.object.spec as { podSelector: unknown; ingress: { from?: unknown; ports: unknown[] }[] };
  assert.deepEqual(dns.podSelector, { matchLabels: { 'k8s-app': 'kube-dns' } });
  assert.equal(dns.ingress[0]?.from, undefined, 'DNS from any source');
  assert.deepEqual(dns.ingress[0]?.ports, [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }]);
  // each policy is recorded on its namespace, as RKE2's np.rke2.io annotations
  assert.deepEqual([...new Set(ps.map((p) => p.annotation))], ['np.rfo.io', 'np.rfo.io/dns', 'np.rfo.io/traefik', 'np.rfo.io/metrics-server']);
  assert.deepEqual(cisNoAutomountNamespaces, ['kube-system', 'kube-public', 'default', 'kube-node-lease']);
});
