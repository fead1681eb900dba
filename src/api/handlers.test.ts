import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticate, handle } from './handlers.ts';
import type { ApiState } from './handlers.ts';

const state: ApiState = {
  caPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
  passwords: { server: 'server-secret', node: 'agent-secret' },
  ready: () => true,
  agentConfig: () => ({ 'cluster-cidr': '10.42.0.0/16' }),
};
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

test('/cacerts and /ping need no credentials; /ping is not logged', () => {
  assert.equal(handle({ method: 'GET', path: '/cacerts' }, state).body, state.caPem);
  const ping = handle({ method: 'GET', path: '/ping' }, state);
  assert.deepEqual([ping.status, ping.body, ping.log], [200, 'pong', false]);
});

test('protected endpoints answer 401 without valid credentials', () => {
  for (const authorization of [undefined, basic('server', 'wrong'), basic('node', 'wrong'), basic('admin', 'server-secret'), 'Bearer x', 'Basic !!!']) {
    assert.equal(handle({ method: 'GET', path: '/v1-rfo/config', ...(authorization ? { authorization } : {}) }, state).status, 401, String(authorization));
  }
});

test('the server token authenticates as server or node; the agent token only as node', () => {
  assert.equal(authenticate(basic('server', 'server-secret'), state.passwords), 'server');
  assert.equal(authenticate(basic('node', 'server-secret'), state.passwords), 'node');
  assert.equal(authenticate(basic('node', 'agent-secret'), state.passwords), 'node');
  assert.equal(authenticate(basic('server', 'agent-secret'), state.passwords), undefined);
});

test('authenticated nodes read the agent config and readiness', () => {
  const r = handle({ method: 'GET', path: '/v1-rfo/config', authorization: basic('node', 'agent-secret') }, state);
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { 'cluster-cidr': '10.42.0.0/16' });
  assert.equal(handle({ method: 'GET', path: '/v1-rfo/readyz', authorization: basic('node', 'agent-secret') }, { ...state, ready: () => false }).status, 503);
  assert.equal(handle({ method: 'POST', path: '/cacerts' }, state).status, 405);
  assert.equal(handle({ method: 'GET', path: '/v1-rfo/nope', authorization: basic('server', 'server-secret') }, state).status, 404);
});
