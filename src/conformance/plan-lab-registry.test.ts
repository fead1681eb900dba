import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planLabRegistry, registryOf } from './plan-lab-registry.ts';
import { parseRegistries } from '../config/parse-registries.ts';
import { renderRegistryHosts } from '../render/registry-hosts.ts';

test('registryOf: the host part of a reference, docker.io when there is none', () => {
  assert.equal(registryOf('registry.k8s.io/e2e-test-images/kitten:1.8'), 'registry.k8s.io');
  assert.equal(registryOf('localhost:5000/x:1'), 'localhost:5000');
  assert.equal(registryOf('library/busybox:1.37'), 'docker.io');
  assert.equal(registryOf('busybox:1.37'), 'docker.io');
});

test('every registry the images name is mirrored to the lab registry, and rfo accepts the file', () => {
  const plan = planLabRegistry({ bridgeIp: '10.197.89.1', port: 5055, refs: ['registry.k8s.io/e2e-test-images/kitten:1.8', 'registry.k8s.io/etcd:3.6.5-0', 'docker.io/library/nginx:1.27'] });
  assert.equal(plan.address, '10.197.89.1:5055');
  assert.deepEqual(plan.mirrored, ['docker.io', 'registry.k8s.io']);
  // The node's own parser and renderer take it: a mirror host per registry, plain HTTP, the registry itself last.
  const hosts = renderRegistryHosts(parseRegistries(plan.registriesYaml, 'registries.yaml'), { disableDefaultEndpoint: false }).hosts;
  assert.deepEqual(hosts.map((h) => h.dir), ['docker.io', 'registry.k8s.io']);
  assert.match(hosts[1]?.text ?? '', /\[host\."http:\/\/10\.197\.89\.1:5055\/v2"\]/);
});
