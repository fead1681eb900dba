import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionOf, knownType, parseApiVersion, parseDiscovery, resourcePath, typeOf } from './resource-path.ts';

test('paths of core, grouped, cluster-scoped and namespaced kinds', () => {
  assert.equal(resourcePath(typeOf('v1', 'Node'), { name: 'n1' }), '/api/v1/nodes/n1');
  assert.equal(resourcePath(typeOf('v1', 'Node'), { namespace: 'ignored', name: 'n1', subresource: 'status' }), '/api/v1/nodes/n1/status');
  assert.equal(resourcePath(typeOf('v1', 'Secret'), { namespace: 'kube-system' }), '/api/v1/namespaces/kube-system/secrets');
  assert.equal(resourcePath(typeOf('apps/v1', 'Deployment'), { namespace: 'a b', name: 'x' }), '/apis/apps/v1/namespaces/a%20b/deployments/x');
  assert.equal(
    resourcePath(typeOf('v1', 'Secret'), { namespace: 'kube-system', query: { fieldSelector: 'type=a/b', labelSelector: undefined, watch: true } }),
    '/api/v1/namespaces/kube-system/secrets?fieldSelector=type%3Da%2Fb&watch=true',
  );
  assert.equal(knownType('apps/v1', 'Nope'), undefined);
  assert.throws(() => typeOf('x/v1', 'Y'));
});

test('api versions and discovery documents', () => {
  assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
  assert.deepEqual(parseApiVersion('helm.cattle.io/v1'), { group: 'helm.cattle.io', version: 'v1' });
  assert.equal(apiVersionOf({ group: '', version: 'v1' }), 'v1');
  const types = parseDiscovery('example.com/v1', {
    resources: [
      { name: 'widgets', kind: 'Widget', namespaced: true },
      { name: 'widgets/status', kind: 'Widget', namespaced: true },
      { name: 'gadgets', kind: 'Gadget', namespaced: false },
    ],
  });
  assert.deepEqual(types, [
    { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true },
    { group: 'example.com', version: 'v1', kind: 'Gadget', plural: 'gadgets', namespaced: false },
  ]);
});
