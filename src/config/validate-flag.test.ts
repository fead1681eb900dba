import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkValue } from './validate-flag.ts';
import type { FlagCheck } from './flags.ts';

const cases: [FlagCheck, string, boolean][] = [
  ['cidr', '10.42.0.0/16', true],
  ['cidr', 'fd00::/64', true],
  ['cidr', '10.42.0.0/33', false],
  ['cidr', '10.42.0.0', false],
  ['ip', '192.168.1.10', true],
  ['ip', '::1', true],
  ['ip', '300.1.1.1', false],
  ['ip', 'node-1', false],
  ['ip', '10.0.0.1/24', false],
  ['dns-subdomain', 'node-1', true],
  ['dns-subdomain', 'agent-1.example.com', true],
  ['dns-subdomain', 'cluster.local', true],
  ['dns-subdomain', '1node', true],
  ['dns-subdomain', 'Bad_Name', false],
  ['dns-subdomain', 'Node1', false],
  ['dns-subdomain', '-node', false],
  ['dns-subdomain', 'node-', false],
  ['dns-subdomain', 'cluster.local.', false],
  ['dns-subdomain', 'a..b', false],
  ['dns-subdomain', 'node 1', false],
  ['dns-subdomain', `${'a'.repeat(249)}.bc`, true],
  ['dns-subdomain', `${'a'.repeat(251)}.bc`, false],
  ['port', '9345', true],
  ['port', '0', false],
  ['port', '65536', false],
  ['port-range', '30000-32767', true],
  ['port-range', '32767-30000', false],
  ['file-mode', '0644', true],
  ['file-mode', '600', true],
  ['file-mode', '0999', false],
  ['key-value', 'v=2', true],
  ['key-value', '--feature-gates=A=true', true],
  ['key-value', 'novalue', false],
  ['label', 'node.kubernetes.io/role=worker', true],
  ['label', 'bad label=x', false],
  ['taint', 'dedicated=db:NoSchedule', true],
  ['taint', 'gpu:NoExecute', true],
  ['taint', 'dedicated=db:Never', false],
  ['url', 'https://10.0.0.1:9345', true],
  ['url', 'http://10.0.0.1:9345', false],
  ['url', 'not a url', false],
  ['absolute-path', '/var/lib/rancher/rfo', true],
  ['absolute-path', 'relative/dir', false],
  ['cni', 'flannel', true],
  ['cni', 'calico', false],
  ['ingress-controller', 'traefik', true],
  ['ingress-controller', 'none', true],
  ['ingress-controller', 'haproxy', false],
  ['ingress-controller', 'ingress-nginx', false],
  ['network-policy', 'kube-router', true],
  ['network-policy', 'none', true],
  ['network-policy', 'kube-network-policies', false],
  ['network-policy', 'calico', false],
];

test('ingress-controller: ingress-nginx is refused with the way out, not just "unsupported"', () => {
  const problem = checkValue('ingress-controller', 'ingress-nginx') ?? '';
  assert.match(problem, /retired upstream in March 2026/);
  assert.match(problem, /providers\.kubernetesIngressNGINX\.enabled/);
  assert.match(problem, /docs\.rke2\.io\/reference\/ingress_migration/);
});

for (const [check, value, valid] of cases) {
  test(`${check}: ${value} is ${valid ? 'valid' : 'invalid'}`, () => {
    const problem = checkValue(check, value);
    if (valid) assert.equal(problem, undefined);
    else assert.match(problem ?? '', new RegExp(value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });
}
