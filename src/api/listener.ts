// The HTTPS listener of the supervisor API (port 9345): TLS with the
// serving-supervisor certificate, requests mapped to handlers.ts.

import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { handle } from './handlers.ts';
import type { ApiState } from './handlers.ts';

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
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const response = handle({ method: req.method ?? 'GET', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) }, o.state);
    // Never log credentials: only method, path and status.
    if (response.log && response.status >= 400) o.log(`supervisor API: ${req.method ?? ''} ${path} → ${response.status} (${req.socket.remoteAddress ?? ''})`);
    res.writeHead(response.status, { 'content-type': response.contentType });
    res.end(response.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
