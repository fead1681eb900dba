import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstPodCidr, mayClaimFirstPodCidr } from './claim-pod-cidr.ts';

test('the first /24 of the cluster CIDR, as the range allocator hands out first', () => {
  assert.equal(firstPodCidr('10.42.0.0/16'), '10.42.0.0/24');
  assert.equal(firstPodCidr('10.42.7.9/16'), '10.42.0.0/24');
  assert.equal(firstPodCidr('172.16.0.0/12'), '172.16.0.0/24');
  assert.equal(firstPodCidr('10.42.5.0/24'), '10.42.5.0/24');
  assert.equal(firstPodCidr('10.42.5.0/25'), undefined, 'smaller than a node CIDR: left to the controller');
  assert.equal(firstPodCidr('fd00::/48'), undefined, 'IPv6: left to the controller');
});

test('only the lone Node without a CIDR takes it', () => {
  const n = (name: string, podCIDR?: string) => ({ metadata: { name }, ...(podCIDR ? { spec: { podCIDR } } : {}) });
  assert.equal(mayClaimFirstPodCidr([n('s1')], 's1'), true);
  assert.equal(mayClaimFirstPodCidr([n('s1', '10.42.0.0/24')], 's1'), false);
  assert.equal(mayClaimFirstPodCidr([n('s1'), n('a1')], 's1'), false, 'another node: the controller decides');
  assert.equal(mayClaimFirstPodCidr([n('other')], 's1'), false);
  assert.equal(mayClaimFirstPodCidr([], 's1'), false);
});
