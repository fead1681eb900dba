// The HTTPS listener of the supervisor API (port 9345): TLS with the
// serving-supervisor certificate, requests mapped to handlers.ts.

import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { handle } from './handlers.ts';
import type { ApiResponse, ApiState } from './handlers.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly state: ApiState;
  readonly log: (message: string) => void;
}

export function startSupervisorApi(o: ListenerOptions): Promise<Server> {
  const server = createServer({ cert: o.certPem, key: o.keyPem, requestCert: false }, (req, res) => {
    void respond(req, res, o);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

async function respond(req: IncomingMessage, res: ServerResponse, o: ListenerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
  let response: ApiResponse;
  try {
    response = await handle({ method: req.method ?? 'GET', path, headers, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) }, o.state);
  } catch (err) {
    o.log(`supervisor API: ${req.method ?? ''} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    response = { status: 500, contentType: 'text/plain', body: 'internal error; see the server log\n', log: false };
  }
  // Never log credentials: only method, path and status.
  if (response.log && response.status >= 400) o.log(`supervisor API: ${req.method ?? ''} ${path} → ${response.status} (${req.socket.remoteAddress ?? ''})`);
  res.writeHead(response.status, { 'content-type': response.contentType });
  res.end(response.body);
}
