// The HTTPS listener of the supervisor API (port 9345): TLS with the
// serving-supervisor certificate, requests mapped to handlers.ts.
//
// The port is open to anyone who can reach the node, before they prove
// anything, so every resource a client can hold is bounded: a handshake, an
// idle connection, headers, a body, connections per source and in all, and
// failed authentications get slower answers per source (apiLimits below).

import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { authenticate, handle, takesBody } from './handlers.ts';
import type { ApiResponse, ApiState } from './handlers.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { guardConnections } from './connection-guard.ts';
import type { ConnectionGuard } from './connection-guard.ts';
import { sourceKey } from './plan-connection-limits.ts';
import type { ConnectionLimits } from './plan-connection-limits.ts';
import { defaultBackoff, forgetQuiet, recordFailure, recordSuccess } from './plan-auth-backoff.ts';
import type { BackoffPolicy, FailureTable } from './plan-auth-backoff.ts';

export interface ApiLimits extends ConnectionLimits {
  /** A TLS handshake not finished by then is dropped. */
  readonly handshakeTimeoutMs: number;
  /** A connection with no traffic this long is closed (e.g. a finished handshake and no request). */
  readonly idleTimeoutMs: number;
  /** From the first byte of a request to its last header; then to its last byte. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Between requests on one connection. */
  readonly keepAliveTimeoutMs: number;
  /** Larger headers are answered 431. */
  readonly maxHeaderBytes: number;
  /** Bodies are read only from server-role PUTs (up to maxServerBodyBytes); anything else larger than this is answered 413. */
  readonly maxBodyBytes: number;
  /** A server-role PUT (secrets-encryption stage, CA files): the credential is checked before a byte is read. */
  readonly maxServerBodyBytes: number;
  /**
   * Requests one connection may have unanswered (HTTP/1.1 pipelining; real
   * clients send one at a time). Without it, one connection could pipeline
   * thousands of bad passwords and have every held-back answer queued.
   */
  readonly maxPipelined: number;
  readonly backoff: BackoffPolicy;
}

// Joining nodes send a handful of small GETs one after another; these are
// far above that. Per source 32: several agents behind one NAT or load
// balancer may join at once. Total 1024 connections (an idle TLS connection
// costs ~56 KiB of RSS, measured) bound the listener to ~60 MiB. The longest held-back 401
// (backoff.maxDelayMs) stays below idleTimeoutMs.
export const apiLimits: ApiLimits = {
  handshakeTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 8 * 1024,
  maxBodyBytes: 1024,
  maxServerBodyBytes: 256 * 1024,
  maxPipelined: 4,
  perSource: 32,
  total: 1024,
  backoff: defaultBackoff,
};

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly state: ApiState;
  readonly log: (message: string) => void;
  /** Tests shorten these. */
  readonly limits?: Partial<ApiLimits>;
}

export interface SupervisorApi extends Server {
  readonly guard: ConnectionGuard;
}

export function startSupervisorApi(o: ListenerOptions): Promise<SupervisorApi> {
  const limits: ApiLimits = { ...apiLimits, ...o.limits };
  const tables: FailureTables = { failures: new Map(), anonymous: new Map() };
  const unanswered = new WeakMap<object, number>();
  const server = createServer(
    {
      cert: o.certPem,
      key: o.keyPem,
      requestCert: false,
      handshakeTimeout: limits.handshakeTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // headersTimeout/requestTimeout are enforced on this tick (default 30 s): a client trickling
      // one header byte at a time keeps the idle timer alive, and would otherwise last 40 s.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      const socket = req.socket;
      const pending = (unanswered.get(socket) ?? 0) + 1;
      if (pending > limits.maxPipelined) {
        socket.destroy();
        return;
      }
      unanswered.set(socket, pending);
      res.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
      void respond(req, res, o, limits, tables);
    },
  );
  server.timeout = limits.idleTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const api = Object.assign(server, { guard: guardConnections(server, limits, o.log) });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(api));
  });
}

/** Read a body up to a limit; undefined once it exceeds the limit (the rest is not read). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(seen <= maxBytes ? Buffer.concat(chunks).toString('utf8') : undefined));
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Failed authentications per source. A request without credentials guesses
 * nothing, so its 401 is never held back (its table only thins its log lines).
 */
interface FailureTables {
  readonly failures: FailureTable;
  readonly anonymous: FailureTable;
}

function send(res: ServerResponse, response: ApiResponse, close = false): void {
  if (res.destroyed) return;
  res.writeHead(response.status, { 'content-type': response.contentType, ...(close ? { connection: 'close' } : {}) });
  res.end(response.body);
}

async function respond(req: IncomingMessage, res: ServerResponse, o: ListenerOptions, limits: ApiLimits, tables: FailureTables): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const source = sourceKey(req.socket.remoteAddress);
  // Only a server-role PUT has its body kept (and a larger one allowed): a stranger cannot make
  // the listener hold more than maxBodyBytes per request.
  const serverPut = takesBody(req.method ?? '') && authenticate(req.headers.authorization, o.state.passwords) === 'server';
  const body = await readBody(req, serverPut ? limits.maxServerBodyBytes : limits.maxBodyBytes);
  if (body === undefined) {
    send(res, { status: 413, contentType: 'text/plain', body: 'request body too large\n', log: true }, true);
    return;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
  let response: ApiResponse;
  try {
    response = await handle(
      { method: req.method ?? 'GET', path, headers, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(serverPut ? { body } : {}) },
      o.state,
    );
  } catch (err) {
    o.log(`supervisor API: ${req.method ?? ''} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    response = { status: 500, contentType: 'text/plain', body: 'internal error; see the server log\n', log: false };
  }
  if (response.status !== 401) {
    if (response.status < 400 && path.startsWith('/v1-rfo/')) recordSuccess(tables.failures, source);
    // Never log credentials: only method, path and status.
    if (response.log && response.status >= 400) o.log(`supervisor API: ${req.method ?? ''} ${path} → ${response.status} (${req.socket.remoteAddress ?? ''})`);
    send(res, response);
    return;
  }
  const now = Date.now();
  const table = req.headers.authorization === undefined ? tables.anonymous : tables.failures;
  forgetQuiet(table, now, limits.backoff);
  const recorded = recordFailure(table, source, now, limits.backoff);
  const failure = table === tables.anonymous ? { ...recorded, delayMs: 0 } : recorded;
  if (failure.log) {
    const held = failure.delayMs > 0 ? `; failed authentication ${failure.failures} from ${source}, answers held back ${failure.delayMs} ms` : '';
    const many = table === tables.anonymous && failure.failures > limits.backoff.freeFailures ? `; ${failure.failures} without credentials from ${source}` : '';
    o.log(`supervisor API: ${req.method ?? ''} ${path} → 401 (${req.socket.remoteAddress ?? ''})${held}${many}`);
  }
  if (failure.delayMs === 0) {
    send(res, response);
    return;
  }
  // Held back, but a client that gives up frees everything at once.
  const timer = setTimeout(() => send(res, response), failure.delayMs);
  res.once('close', () => clearTimeout(timer));
}
