import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticate, handle } from './handlers.ts';
import type { ApiState } from './handlers.ts';

const state: ApiState = {
  caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  passwords: { server: 'server-secret', node: 'agent-secret' },
  ready: () => true,
  agentConfig: () => ({ 'cluster-cidr': '10.42.0.0/16' }),
  issueNodeCert: (kind, name, ips) => Promise.resolve(`${kind}:${name}:${ips.join(',')}`),
  checkNodePassword: (name, password) => Promise.resolve(name !== 'taken' || password === 'the-right-node-password'),
  bootstrap: () => Promise.resolve('rfo1:sealed'),
  etcdMembers: () => Promise.resolve([{ name: 's1' }]),
};
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

test('/cacerts and /ping need no credentials; /ping is not logged', async () => {
  assert.equal((await handle({ method: 'GET', path: '/cacerts' }, state)).body, state.caPem);
  const ping = await handle({ method: 'GET', path: '/ping' }, state);
  assert.deepEqual([ping.status, ping.body, ping.log], [200, 'pong', false]);
});

test('protected endpoints answer 401 without valid credentials', async () => {
  for (const authorization of [undefined, basic('server', 'wrong'), basic('node', 'wrong'), basic('admin', 'server-secret'), 'Bearer x', 'Basic !!!']) {
    for (const path of ['/v1-rfo/config', '/v1-rfo/client-kubelet.crt', '/v1-rfo/bootstrap', '/v1-rfo/etcd-members', '/v1-rfo/readyz']) {
      assert.equal((await handle({ method: 'GET', path, ...(authorization ? { authorization } : {}) }, state)).status, 401, `${path} ${String(authorization)}`);
    }
  }
});

test('the server token authenticates as server or node; the agent token only as node', () => {
  assert.equal(authenticate(basic('server', 'server-secret'), state.passwords), 'server');
  assert.equal(authenticate(basic('node', 'server-secret'), state.passwords), 'node');
  assert.equal(authenticate(basic('node', 'agent-secret'), state.passwords), 'node');
  assert.equal(authenticate(basic('server', 'agent-secret'), state.passwords), undefined);
});

test('authenticated nodes read the agent config and readiness', async () => {
  const r = await handle({ method: 'GET', path: '/v1-rfo/config', authorization: basic('node', 'agent-secret') }, state);
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { 'cluster-cidr': '10.42.0.0/16' });
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/readyz', authorization: basic('node', 'agent-secret') }, { ...state, ready: () => false })).status, 503);
  assert.equal((await handle({ method: 'POST', path: '/cacerts' }, state)).status, 405);
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/nope', authorization: basic('server', 'server-secret') }, state)).status, 404);
});

const nodeHeaders = (name: string, password = 'a-node-password-0123', ip = '10.0.0.7') => ({ 'rfo-node-name': name, 'rfo-node-password': password, 'rfo-node-ip': ip });

test('a node gets its certificates for its own name and IPs', async () => {
  for (const kind of ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel']) {
    const r = await handle({ method: 'GET', path: `/v1-rfo/${kind}.crt`, authorization: basic('node', 'agent-secret'), headers: nodeHeaders('agent-1') }, state);
    assert.equal(r.status, 200);
    assert.equal(r.body, `${kind}:agent-1:10.0.0.7`);
  }
});

test('a node name registered with another password is refused with a hint; bad headers are 400', async () => {
  const taken = await handle({ method: 'GET', path: '/v1-rfo/client-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('taken') }, state);
  assert.equal(taken.status, 403);
  assert.match(taken.body, /already registered with a different node password/);
  assert.match(taken.body, /taken\.node-password\.rfo/);
  const ok = await handle({ method: 'GET', path: '/v1-rfo/client-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('taken', 'the-right-node-password') }, state);
  assert.equal(ok.status, 200);
  for (const headers of [nodeHeaders('Bad_Name'), nodeHeaders('ok', 'short'), nodeHeaders('ok', 'a-node-password-0123', '10.0.0.1;rm'), {}]) {
    assert.equal((await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers }, state)).status, 400, JSON.stringify(headers));
  }
});

test('bootstrap data and etcd members are for the server token only', async () => {
  for (const path of ['/v1-rfo/bootstrap', '/v1-rfo/etcd-members']) {
    const agent = await handle({ method: 'GET', path, authorization: basic('node', 'agent-secret') }, state);
    assert.equal(agent.status, 403);
    assert.match(agent.body, /lets agents join, not servers/);
    assert.equal((await handle({ method: 'GET', path, authorization: basic('server', 'server-secret') }, state)).status, 200);
  }
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/bootstrap', authorization: basic('server', 'server-secret') }, state)).body, 'rfo1:sealed');
});
