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
  identityRules: { serviceIp: '10.43.0.1', clusterDomain: 'cluster.local' },
  servers: () => Promise.resolve({ names: new Set(['s1']), ips: new Set(['10.0.0.11']) }),
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

/** The state, recording every node password check and every certificate issued. */
function recording() {
  const calls: string[] = [];
  const rec: ApiState = {
    ...state,
    checkNodePassword: (name, password) => {
      calls.push(`register:${name}`);
      return state.checkNodePassword(name, password);
    },
    issueNodeCert: (kind, name, ips) => {
      calls.push(`issue:${kind}:${name}`);
      return state.issueNodeCert(kind, name, ips);
    },
  };
  return { rec, calls };
}

test("the agent token gets no certificate for a server's name or IP, and registers nothing; the server token does", async () => {
  const { rec, calls } = recording();
  for (const kind of ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel']) {
    const r = await handle({ method: 'GET', path: `/v1-rfo/${kind}.crt`, authorization: basic('node', 'agent-secret'), headers: nodeHeaders('s1') }, rec);
    assert.equal(r.status, 403, kind);
    assert.match(r.body, /node name s1 belongs to a server/);
    assert.doesNotMatch(r.body, /BEGIN/);
  }
  // the server password under the user "node" is still the agent role
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/client-kubelet.crt', authorization: basic('node', 'server-secret'), headers: nodeHeaders('s1') }, rec)).status, 403);
  const ip = await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('agent-9', 'a-node-password-0123', '10.0.0.7,10.0.0.11') }, rec);
  assert.equal(ip.status, 403);
  assert.match(ip.body, /node IP 10\.0\.0\.11 belongs to a server/);
  assert.deepEqual(calls, [], 'nothing registered, nothing issued');
  const asServer = await handle({ method: 'GET', path: '/v1-rfo/client-kubelet.crt', authorization: basic('server', 'server-secret'), headers: nodeHeaders('s1', 'a-node-password-0123', '10.0.0.11') }, rec);
  assert.equal(asServer.status, 200);
  assert.deepEqual(calls, ['register:s1', 'issue:client-kubelet:s1']);
});

test('reserved node names and addresses that are not the node\'s own are refused before anything is registered', async () => {
  const { rec, calls } = recording();
  const bad: [Record<string, string>, RegExp][] = [
    [nodeHeaders('kubernetes'), /reserves/],
    [nodeHeaders('kubernetes.default.svc.cluster.local'), /reserves/],
    [nodeHeaders('kubernetes.default'), /reserves/],
    [nodeHeaders('localhost'), /reserves/],
    [nodeHeaders('x.localhost'), /reserves/],
    [nodeHeaders('ok', 'a-node-password-0123', '10.43.0.1'), /kubernetes Service IP/],
    [nodeHeaders('ok', 'a-node-password-0123', '127.0.0.1'), /loopback/],
    [nodeHeaders('ok', 'a-node-password-0123', '::1'), /loopback/],
    [nodeHeaders('ok', 'a-node-password-0123', '0.0.0.0'), /unspecified/],
    [nodeHeaders('ok', 'a-node-password-0123', '224.0.0.1'), /multicast/],
    [nodeHeaders('ok', 'a-node-password-0123', 'example.com'), /must be IP addresses/],
    [nodeHeaders('ok', 'a-node-password-0123', '10.0.0.256'), /must be IP addresses/],
    [nodeHeaders('ok', 'a-node-password-0123', '1:2:3'), /must be IP addresses/],
    [nodeHeaders('ok', 'a-node-password-0123', 'deadbeef'), /must be IP addresses/],
    [nodeHeaders('a'.repeat(64)), /DNS-1123/],
    [nodeHeaders('-a'), /DNS-1123/],
  ];
  for (const [headers, expected] of bad) {
    const r = await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('server', 'server-secret'), headers }, rec);
    assert.equal(r.status, 400, JSON.stringify(headers));
    assert.match(r.body, expected, JSON.stringify(headers));
  }
  assert.deepEqual(calls, []);
  const v6 = await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('agent-6', 'a-node-password-0123', '10.0.0.7, FD00::7') }, rec);
  assert.equal(v6.body, 'serving-kubelet:agent-6:10.0.0.7,fd00:0:0:0:0:0:0:7');
});

test('/metrics answers 401 without credentials and the Prometheus text with the server or node token; 404 when not served', async () => {
  const withMetrics: ApiState = { ...state, metrics: () => Promise.resolve('rfo_certificate_expiration_timestamp_seconds{name="a.crt",node="s1"} 1\n') };
  for (const authorization of [undefined, basic('node', 'wrong'), basic('prometheus', 'server-secret')]) {
    const r = await handle({ method: 'GET', path: '/metrics', ...(authorization ? { authorization } : {}) }, withMetrics);
    assert.equal(r.status, 401, String(authorization));
    assert.doesNotMatch(r.body, /rfo_certificate/);
  }
  for (const authorization of [basic('server', 'server-secret'), basic('node', 'agent-secret')]) {
    const r = await handle({ method: 'GET', path: '/metrics', authorization }, withMetrics);
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(r.body, /^rfo_certificate_expiration_timestamp_seconds\{name="a\.crt",node="s1"\} 1\n$/);
    assert.equal(r.log, false, 'scrapes do not fill the log');
  }
  assert.equal((await handle({ method: 'GET', path: '/metrics', authorization: basic('server', 'server-secret') }, state)).status, 404);
});

test('server routes: only the server token reaches them, with the method they were declared for', async () => {
  const seen: string[] = [];
  const routes = { 'PUT /v1-rfo/encrypt/config': (req: { body?: string }) => (seen.push(req.body ?? ''), Promise.resolve({ status: 200, contentType: 'text/plain', body: 'ok', log: true })) };
  const s = { ...state, serverRoutes: routes };
  assert.equal((await handle({ method: 'PUT', path: '/v1-rfo/encrypt/config', body: '{}' }, s)).status, 401);
  assert.equal((await handle({ method: 'PUT', path: '/v1-rfo/encrypt/config', body: '{}', authorization: basic('node', 'agent-secret') }, s)).status, 403);
  assert.equal((await handle({ method: 'PUT', path: '/v1-rfo/encrypt/config', body: '{}', authorization: basic('node', 'server-secret') }, s)).status, 403, 'user node is node rights even with the server password');
  assert.deepEqual(seen, []);
  assert.equal((await handle({ method: 'PUT', path: '/v1-rfo/encrypt/config', body: '{"a":1}', authorization: basic('server', 'server-secret') }, s)).status, 200);
  assert.deepEqual(seen, ['{"a":1}']);
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/encrypt/config', authorization: basic('server', 'server-secret') }, s)).status, 404);
  assert.equal((await handle({ method: 'PUT', path: '/v1-rfo/config', authorization: basic('server', 'server-secret') }, s)).status, 405);
});

test("the agent token gets no certificate for an address another node registered; the node itself and the server token do", async () => {
  const issued: string[] = [];
  const s: ApiState = {
    ...state,
    registeredNodeIps: () => Promise.resolve(new Map([['agent-2', ['10.0.0.7']], ['agent-1', ['10.0.0.9']], ['taken', ['10.0.0.50']]])),
    issueNodeCert: (kind, name, ips) => {
      issued.push(`${name}:${ips.join(',')}`);
      return Promise.resolve('cert');
    },
  };
  const r = await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('agent-1') }, s);
  assert.equal(r.status, 403);
  assert.match(r.body, /10\.0\.0\.7 is registered to node agent-2.*kubectl delete node agent-2/);
  assert.deepEqual(issued, [], 'nothing issued, nothing registered');
  // a known name with the wrong password hears about the name first
  const name = await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('taken') }, s);
  assert.equal(name.status, 403);
  assert.match(name.body, /taken is already registered with a different node password/);
  // agent-2 itself, at a re-join with the same address
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('node', 'agent-secret'), headers: nodeHeaders('agent-2') }, s)).status, 200);
  // the server token is trusted with any address (it holds the CAs anyway)
  assert.equal((await handle({ method: 'GET', path: '/v1-rfo/serving-kubelet.crt', authorization: basic('server', 'server-secret'), headers: nodeHeaders('agent-1') }, s)).status, 200);
});
