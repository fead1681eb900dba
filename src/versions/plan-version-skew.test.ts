import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planVersionSkew } from './plan-version-skew.ts';

const refused = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error & { code?: string; hint?: string }) => e.code === 'RFO_VERSION_SKEW' && re.test(`${e.message} ${e.hint ?? ''}`));

test('a server upgrades one minor at a time, from its own last version or the cluster servers', () => {
  assert.deepEqual(planVersionSkew({ role: 'server', kubernetes: 'v1.36.3', previous: 'v1.35.4', servers: [] }), ['upgrading from v1.35.4 to v1.36.3']);
  assert.deepEqual(planVersionSkew({ role: 'server', kubernetes: 'v1.36.3', previous: 'v1.36.1', servers: ['v1.36.3'] }), []);
  refused(() => planVersionSkew({ role: 'server', kubernetes: 'v1.37.2', previous: 'v1.35.4', servers: [] }), /2 minors newer .*this node ran it last.*install the newest 1\.36 release/);
  refused(() => planVersionSkew({ role: 'server', kubernetes: 'v1.37.2', servers: ['v1.36.3', 'v1.35.4'] }), /newer than v1\.35\.4/);
});

test('a server never goes back a minor; a new server may join one minor older', () => {
  refused(() => planVersionSkew({ role: 'server', kubernetes: 'v1.35.4', previous: 'v1.36.3', servers: [] }), /a downgrade.*restore the etcd snapshot/);
  assert.deepEqual(planVersionSkew({ role: 'server', kubernetes: 'v1.36.3', servers: ['v1.37.2'] }), []);
});

test('etcd never starts on data from a newer etcd minor', () => {
  refused(() => planVersionSkew({ role: 'server', kubernetes: 'v1.36.3', servers: [], etcd: 'v3.6.16', etcdData: 'v3.7.4' }), /etcd data was last written by etcd v3\.7\.4.*ships etcd 3\.7/);
  assert.deepEqual(planVersionSkew({ role: 'server', kubernetes: 'v1.37.2', previous: 'v1.36.3', servers: [], etcd: 'v3.7.4', etcdData: 'v3.6.16' }), ['upgrading from v1.36.3 to v1.37.2']);
});

test('an agent is never newer than a server, and at most 3 minors older', () => {
  refused(() => planVersionSkew({ role: 'agent', kubernetes: 'v1.37.2', servers: ['v1.36.3'] }), /newer than the server's v1\.36\.3.*upgrade the servers first/);
  assert.deepEqual(planVersionSkew({ role: 'agent', kubernetes: 'v1.35.4', servers: ['v1.37.2'] }), []);
  assert.deepEqual(planVersionSkew({ role: 'agent', kubernetes: 'v1.37.2', previous: 'v1.36.3', servers: ['v1.37.2'] }), ['upgrading from v1.36.3 to v1.37.2']);
  refused(() => planVersionSkew({ role: 'agent', kubernetes: 'v1.33.1', servers: ['v1.37.2'] }), /4 minors older/);
  refused(() => planVersionSkew({ role: 'agent', kubernetes: 'nonsense', servers: ['v1.37.2'] }), /cannot read the version/);
});
