// The joining side of the supervisor API: fetch /cacerts without trusting
// anything, check its hash against the token BEFORE any credential is sent,
// then talk to the server with that CA pinned AND its certificate verified
// for the host in server: (as any HTTPS client does). The CA alone is not
// enough: it signs more than supervisor certificates. Failures become typed
// errors that say what to fix (wrong token, wrong CA, wrong port, server down).

import { request } from 'node:https';
import { RfoError } from '../errors.ts';
import { caHashOf } from './token.ts';
import type { JoinToken } from './token.ts';

interface Reply {
  readonly status: number;
  readonly body: string;
}

function send(url: URL, options: { ca?: string; headers?: Record<string, string>; timeoutMs?: number; method?: string; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        timeout: options.timeoutMs ?? 10_000,
        headers: options.headers ?? {},
        // With a CA: Node's default chain and host name checks (no override).
        ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** OpenSSL/Node codes for a certificate the pinned CA did not issue. */
const untrustedCodes = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA']);

/** A TLS failure of the server's identity: the request (and its credential) was never sent. */
function identityError(server: string, err: unknown): RfoError | undefined {
  const code = (err as { code?: string } | undefined)?.code ?? '';
  const host = new URL(server).hostname;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new RfoError('RFO_SERVER_IDENTITY', `the server at ${server} presented a certificate that is not valid for ${host}; no credential was sent to it`, {
      hint: `use a server: address the supervisor certificate covers (a server's node IP or node name), or add ${host} to tls-san on every server and restart them`,
      cause: err,
    });
  }
  if (untrustedCodes.has(code)) {
    return new RfoError('RFO_SERVER_IDENTITY', `the server at ${server} presented a certificate the cluster CA did not issue for a supervisor (${code}); no credential was sent to it`, {
      hint: 'check that server: points at the rfo supervisor (port 9345) of the cluster this token belongs to',
      cause: err,
    });
  }
  return undefined;
}

function unreachable(server: string, err: unknown): RfoError {
  return new RfoError('RFO_SERVER_UNREACHABLE', `cannot reach the rfo server at ${server}: ${err instanceof Error ? err.message : String(err)}`, {
    hint: 'check the server: address (https://<server>:9345), that rfo server runs there, and that port 9345 is open',
    cause: err,
  });
}

/** GET /cacerts unverified; recognise a Kubernetes API answering instead of the supervisor. */
export async function fetchCacerts(server: string): Promise<string> {
  const url = new URL('/cacerts', server);
  let reply: Reply;
  try {
    reply = await send(url, {});
  } catch (err) {
    throw unreachable(server, err);
  }
  if (reply.body.includes('"kind":"Status"') || reply.body.includes('"kind": "Status"')) {
    throw new RfoError('RFO_WRONG_PORT', `${server} is a Kubernetes API server (port ${url.port || 443}), not the rfo supervisor`, {
      hint: `join through the supervisor port: server: https://${url.hostname}:9345`,
    });
  }
  if (reply.status !== 200 || !reply.body.includes('BEGIN CERTIFICATE')) {
    throw new RfoError('RFO_JOIN_FAILED', `${server}/cacerts answered ${reply.status} without a CA certificate`, { hint: 'is server: the rfo supervisor (https://<server>:9345)?' });
  }
  return reply.body;
}

/** Refuse a CA the token was not issued for; a bare token cannot check, so it says so. */
export function verifyCa(token: JoinToken, caPem: string, log: (m: string) => void): void {
  if (!token.caHash) {
    log('WARNING: the token has no CA hash (a bare password), so the server CA was not verified; use the full K10… token from server/node-token');
    return;
  }
  if (caHashOf(caPem) !== token.caHash) {
    throw new RfoError('RFO_CA_MISMATCH', "the server's CA is not the one this token was issued for; nothing was sent to it", {
      hint: 'check that server: points at the right cluster, and copy the token again from server/node-token on one of its servers',
    });
  }
}

export interface JoinSession {
  readonly server: string;
  readonly caPem: string;
  readonly username: string;
  readonly password: string;
}

/** An authenticated GET under /v1-rfo/. */
export function joinGet(s: JoinSession, path: string, headers: Record<string, string> = {}): Promise<string> {
  return joinRequest(s, 'GET', path, { headers });
}

/** An authenticated request under /v1-rfo/ (a PUT with a JSON body for the server-role endpoints). */
export async function joinRequest(s: JoinSession, method: 'GET' | 'PUT', path: string, o: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<string> {
  let reply: Reply;
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers = { ...o.headers, ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) };
  try {
    reply = await send(new URL(path, s.server), {
      ca: s.caPem,
      method,
      ...(body !== undefined ? { body } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      headers: { ...headers, authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}` },
    });
  } catch (err) {
    throw identityError(s.server, err) ?? unreachable(s.server, err);
  }
  if (reply.status === 200) return reply.body;
  if (reply.status === 401) {
    throw new RfoError('RFO_TOKEN_REJECTED', `the server rejected the token (401 on ${path})`, { hint: 'use the token from server/node-token (or server/agent-token for agents) on an existing server' });
  }
  if (reply.status === 403) throw new RfoError('RFO_JOIN_FORBIDDEN', `the server refused: ${reply.body.trim()}`);
  throw new RfoError('RFO_JOIN_FAILED', `${path} answered ${reply.status}: ${reply.body.trim()}`, { hint: 'see the log of rfo on the server' });
}
