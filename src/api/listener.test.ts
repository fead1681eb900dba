import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSupervisorApi } from './listener.ts';
import { issueCertificate } from '../pki/x509.ts';
import { planCertSpecs } from '../pki/specs.ts';
import type { CaSpec, LeafSpec } from '../pki/specs.ts';
import { caHashOf } from '../join/token.ts';

const specs = planCertSpecs({ nodeName: 'n1', nodeIps: ['127.0.0.1'], tlsSans: [], serviceCidr: '10.43.0.0/16', clusterDomain: 'cluster.local' });
const ca = issueCertificate(specs.find((s) => s.id === 'server-ca') as CaSpec, { now: new Date() });
const serving = issueCertificate(specs.find((s) => s.id === 'serving-supervisor') as LeafSpec, { now: new Date(), issuer: ca.asIssuer });

function get(port: number, path: string, auth?: string, ca?: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ...(ca ? { ca } : { rejectUnauthorized: false }), headers: { ...extra, ...(auth ? { authorization: auth } : {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('over real TLS on loopback: fetch /cacerts unverified, check its hash, then verify the server with it', async () => {
  const logs: string[] = [];
  const server = await startSupervisorApi({
    host: '127.0.0.1',
    port: 0,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    state: {
      caPem: ca.certPem,
      passwords: { server: 's3cret', node: 'n0de' },
      ready: () => true,
      agentConfig: () => ({ ok: true }),
      issueNodeCert: () => Promise.reject(new Error('boom')),
      checkNodePassword: () => Promise.resolve(true),
      bootstrap: () => Promise.resolve(''),
      etcdMembers: () => Promise.resolve([]),
      identityRules: { serviceIp: '10.43.0.1', clusterDomain: 'cluster.local' },
      servers: () => Promise.resolve({ names: new Set<string>(), ips: new Set<string>() }),
    },
    log: (m) => logs.push(m),
  });
  try {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cacerts = await get(port, '/cacerts');
    assert.equal(caHashOf(cacerts.body), caHashOf(ca.certPem));
    const unauth = await get(port, '/v1-rfo/config', undefined, cacerts.body);
    assert.equal(unauth.status, 401);
    const auth = `Basic ${Buffer.from('node:n0de').toString('base64')}`;
    const ok = await get(port, '/v1-rfo/config', auth, cacerts.body);
    assert.deepEqual([ok.status, JSON.parse(ok.body)], [200, { ok: true }]);
    // a failing handler is a 500 whose body says nothing of the cause; the log names it
    const failed = await get(port, '/v1-rfo/client-kubelet.crt', auth, cacerts.body, { 'rfo-node-name': 'n1', 'rfo-node-password': 'a-node-password-0123', 'rfo-node-ip': '10.0.0.1' });
    assert.equal(failed.status, 500);
    assert.doesNotMatch(failed.body, /boom/);
    assert.ok(logs.some((l) => l.includes('boom')), logs.join('\n'));
    assert.equal((await get(port, '/ping')).body, 'pong');
    assert.ok(logs.some((l) => l.includes('/v1-rfo/config → 401')), 'failed auth is logged');
    assert.ok(!logs.some((l) => l.includes('n0de') || l.includes('/ping')), 'no secrets and no pings in the log');
  } finally {
    server.close();
  }
});

// The limits, shortened so the test runs in seconds; the integration test
// (supervisor-api-abuse) checks the real values against a running rfo server.
import { connect as tlsConnect } from 'node:tls';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import type { SupervisorApi } from './listener.ts';
import { apiLimits } from './listener.ts';

const state = {
  caPem: ca.certPem,
  passwords: { server: 's3cret', node: 'n0de' },
  ready: () => true,
  agentConfig: () => ({ ok: true }),
  issueNodeCert: () => Promise.resolve(''),
  checkNodePassword: () => Promise.resolve(true),
  bootstrap: () => Promise.resolve(''),
  etcdMembers: () => Promise.resolve([]),
  identityRules: { serviceIp: '10.43.0.1', clusterDomain: 'cluster.local' },
  servers: () => Promise.resolve({ names: new Set<string>(), ips: new Set<string>() }),
  // 200 only when the whole 10,000-byte body arrived.
  serverRoutes: { 'PUT /v1-rfo/echo': (req: { body?: string }) => Promise.resolve({ status: req.body?.length === 10_000 ? 200 : 400, contentType: 'text/plain', body: '', log: true }) },
};

async function withApi(limits: Parameters<typeof startSupervisorApi>[0]['limits'], body: (port: number, api: SupervisorApi, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const api = await startSupervisorApi({ host: '127.0.0.1', port: 0, certPem: serving.certPem, keyPem: serving.keyPem, state, log: (m) => logs.push(m), ...(limits ? { limits } : {}) });
  try {
    const address = api.address();
    await body(typeof address === 'object' && address ? address.port : 0, api, logs);
  } finally {
    api.closeAllConnections();
    api.close();
  }
}

/** ms until the server closes a socket (or `within` passes: then Infinity). */
function closedAfter(socket: Socket, within: number): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Infinity);
    }, within);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

function tlsUp(port: number, localAddress = '127.0.0.1'): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = tlsConnect({ socket: tcpConnect({ host: '127.0.0.1', port, localAddress }), rejectUnauthorized: false }, () => resolve(s));
    s.on('error', () => resolve(undefined));
    s.on('close', () => resolve(undefined));
  });
}

/** One request on its own connection, raw, so any header and status comes through: [status, ms]. */
function rawRequest(port: number, head: string, localAddress = '127.0.0.1'): Promise<[number, number]> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const s = tlsConnect({ socket: tcpConnect({ host: '127.0.0.1', port, localAddress }), rejectUnauthorized: false }, () => s.write(head));
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString();
      const m = /^HTTP\/1\.1 (\d+)/.exec(got);
      if (m) {
        s.destroy();
        resolve([Number(m[1]), Date.now() - t0]);
      }
    });
    s.on('error', () => resolve([0, Date.now() - t0]));
    s.on('close', () => resolve([0, Date.now() - t0]));
  });
}

const badAuth = `GET /v1-rfo/config HTTP/1.1\r\nhost: x\r\nauthorization: Basic ${Buffer.from('node:guess').toString('base64')}\r\n\r\n`;
const goodAuth = `GET /v1-rfo/config HTTP/1.1\r\nhost: x\r\nauthorization: Basic ${Buffer.from('node:n0de').toString('base64')}\r\n\r\n`;

test('the real limits: handshake ≤ 10 s, held-back 401s end before the idle timeout, per-source cap below the total', () => {
  assert.ok(apiLimits.handshakeTimeoutMs <= 10_000);
  assert.ok(apiLimits.backoff.maxDelayMs < apiLimits.idleTimeoutMs);
  assert.ok(apiLimits.perSource * 4 <= apiLimits.total, 'a few flooding sources cannot fill the total');
});

test('a connection that never starts TLS, and a TLS connection that never sends a request, are closed', async () => {
  await withApi({ handshakeTimeoutMs: 400, idleTimeoutMs: 700 }, async (port) => {
    const silent = tcpConnect(port, '127.0.0.1');
    const idle = await tlsUp(port);
    assert.ok(idle, 'handshake done');
    const [silentMs, idleMs] = await Promise.all([closedAfter(silent, 5_000), closedAfter(idle, 5_000)]);
    assert.ok(silentMs >= 350 && silentMs < 2_000, `silent TCP closed after ${silentMs} ms`);
    assert.ok(idleMs >= 600 && idleMs < 2_500, `idle TLS closed after ${idleMs} ms`);
  });
});

test('oversized headers get 431, a body over the limit 413; small requests still work', async () => {
  await withApi(undefined, async (port) => {
    const [big] = await rawRequest(port, `GET /ping HTTP/1.1\r\nhost: x\r\nx-pad: ${'a'.repeat(apiLimits.maxHeaderBytes)}\r\n\r\n`);
    assert.equal(big, 431);
    const [body] = await rawRequest(port, `GET /ping HTTP/1.1\r\nhost: x\r\ncontent-length: ${apiLimits.maxBodyBytes + 1}\r\n\r\n`);
    assert.equal(body, 413);
    const [chunked] = await rawRequest(port, `GET /ping HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${'800\r\n' + 'b'.repeat(0x800) + '\r\n'}`);
    assert.equal(chunked, 413, 'a chunked body is counted as it arrives');
    const [ping] = await rawRequest(port, 'GET /ping HTTP/1.1\r\nhost: x\r\n\r\n');
    assert.equal(ping, 200);
  });
});

test('connections over the per-source cap are refused before TLS while another source still gets in; then the total cap', async () => {
  await withApi({ perSource: 3, total: 5 }, async (port, api, logs) => {
    const first = await Promise.all([1, 2, 3].map(() => tlsUp(port, '127.0.0.1')));
    assert.ok(first.every(Boolean), 'three from one source');
    assert.equal(await tlsUp(port, '127.0.0.1'), undefined, 'the fourth from the same source is refused');
    const other = await Promise.all([1, 2].map(() => tlsUp(port, '127.0.0.2')));
    assert.ok(other.every(Boolean), 'another source gets in');
    assert.equal(await tlsUp(port, '127.0.0.3'), undefined, 'total cap reached: a third source is refused');
    assert.equal(api.guard.open(), 5);
    assert.equal(api.guard.refused(), 2);
    assert.equal(logs.filter((l) => l.includes('refused')).length, 1, `one summary line, not one per refusal: ${logs.join('\n')}`);
    for (const s of [...first, ...other]) s?.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.guard.open(), 0, 'closed connections are no longer counted');
    const again = await tlsUp(port, '127.0.0.1');
    assert.ok(again, 'and the source may connect again');
    again?.destroy();
  });
});

test('failed authentications from one source get slower answers; another source, a success and requests without credentials are not held back', async () => {
  const backoff = { freeFailures: 2, baseDelayMs: 150, maxDelayMs: 600, forgetAfterMs: 60_000, maxSources: 100 };
  await withApi({ backoff }, async (port, _api, logs) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [status, ms] = await rawRequest(port, badAuth);
      assert.equal(status, 401);
      times.push(ms);
    }
    assert.ok(times[0]! < 150 && times[1]! < 150, `free failures: ${times.join(',')}`);
    assert.ok(times[2]! >= 140 && times[3]! >= 290 && times[4]! >= 580, `held back 150, 300, 600 ms: ${times.join(',')}`);
    const [otherStatus, otherMs] = await rawRequest(port, badAuth, '127.0.0.2');
    assert.deepEqual([otherStatus, otherMs < 150], [401, true], 'another source is answered at once');
    const [okStatus, okMs] = await rawRequest(port, goodAuth);
    assert.deepEqual([okStatus, okMs < 150], [200, true], 'the right token is never held back');
    const anonymous = 'GET /v1-rfo/config HTTP/1.1\r\nhost: x\r\n\r\n';
    for (let i = 0; i < 8; i++) {
      const [status, ms] = await rawRequest(port, anonymous, '127.0.0.3');
      assert.deepEqual([status, ms < 150], [401, true], 'a request without credentials guesses nothing: never held back');
    }
    const [afterStatus, afterMs] = await rawRequest(port, badAuth);
    assert.deepEqual([afterStatus, afterMs < 150], [401, true], 'a success forgot the failures');
    assert.ok(logs.some((l) => /→ 401 .*failed authentication 3 from 127\.0\.0\.1, answers held back 150 ms/.test(l)), logs.join('\n'));
    assert.ok(!logs.some((l) => l.includes('guess') || l.includes('n0de')), 'no credentials in the log');
  });
});

test('a client that gives up on a held-back 401 frees its socket at once', async () => {
  const backoff = { freeFailures: 0, baseDelayMs: 5_000, maxDelayMs: 5_000, forgetAfterMs: 60_000, maxSources: 100 };
  await withApi({ backoff }, async (port, api) => {
    const s = await tlsUp(port);
    s?.write(badAuth);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.guard.open(), 1);
    s?.destroy();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.guard.open(), 0);
  });
});

test('a connection that pipelines more than a few requests is closed: held-back answers cannot pile up on it', async () => {
  const backoff = { freeFailures: 0, baseDelayMs: 3_000, maxDelayMs: 3_000, forgetAfterMs: 60_000, maxSources: 100 };
  await withApi({ backoff }, async (port, api, logs) => {
    const s = await tlsUp(port);
    assert.ok(s);
    const closed = closedAfter(s, 2_000);
    s.write(badAuth.repeat(200));
    assert.ok((await closed) < 1_000, 'closed at once');
    const counted = logs.map((l) => Number(/failed authentication (\d+)/.exec(l)?.[1] ?? 0));
    assert.ok(Math.max(...counted) <= apiLimits.maxPipelined, `at most ${apiLimits.maxPipelined} of the 200 were taken: ${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.guard.open(), 0);
  });
});

test('a client trickling its headers (slowloris) is cut off at the headers timeout, though it is never idle', async () => {
  await withApi({ headersTimeoutMs: 1_000, requestTimeoutMs: 1_500, idleTimeoutMs: 5_000 }, async (port) => {
    const s = await tlsUp(port);
    assert.ok(s);
    const closed = closedAfter(s, 6_000);
    const head = 'GET /ping HTTP/1.1\r\nx-slow: ' + 'a'.repeat(100);
    let i = 0;
    const trickle = setInterval(() => (i < head.length && !s.destroyed ? s.write(head[i++] ?? '') : undefined), 200);
    const ms = await closed;
    clearInterval(trickle);
    assert.ok(ms >= 900 && ms < 3_500, `closed after ${ms} ms`);
  });
});

test('a body reaches a server-role PUT (up to its larger limit); with the agent token or none it is refused before it is read', async () => {
  await withApi(undefined, async (port) => {
    const put = (auth: string | undefined, size: number) => rawRequest(port, `PUT /v1-rfo/echo HTTP/1.1\r\nhost: x\r\n${auth ? `authorization: ${auth}\r\n` : ''}content-length: ${size}\r\n\r\n${'x'.repeat(size)}`);
    const server = `Basic ${Buffer.from('server:s3cret').toString('base64')}`;
    const node = `Basic ${Buffer.from('node:n0de').toString('base64')}`;
    assert.equal((await put(server, 10_000))[0], 200);
    const [tooBig] = await put(server, apiLimits.maxServerBodyBytes + 1);
    assert.equal(tooBig, 413);
    assert.equal((await put(node, 10_000))[0], 413, 'the agent token does not get the larger limit');
    assert.equal((await put(node, 10))[0], 403, 'nor the endpoint');
    assert.equal((await put(undefined, 10))[0], 401);
  });
});
