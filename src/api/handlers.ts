// Pure: the supervisor API on port 9345 that nodes talk to before they are
// part of the cluster. Requests come in as data, responses go out as data;
// only listener.ts touches sockets. Unauthenticated: /cacerts (so a joining
// node can check the CA hash in its token before sending any credential) and
// /ping (health, never logged). Everything under /v1-rfo/ needs HTTP basic
// auth as user "server" (full rights) or "node" (node rights only).

import { timingSafeEqual } from 'node:crypto';

export type Role = 'server' | 'node';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** false for health checks, which must not fill the log. */
  readonly log: boolean;
}

export interface ApiState {
  readonly caPem: string;
  /** Passwords per user: "server" = the server token's, "node" = the agent token's (or the server's). */
  readonly passwords: Readonly<Record<Role, string>>;
  readonly ready: () => boolean;
  /** What an agent needs to configure itself (cluster-wide settings, server addresses). */
  readonly agentConfig: () => Readonly<Record<string, unknown>>;
}

const text = (status: number, body: string, log = true): ApiResponse => ({ status, contentType: 'text/plain', body, log });
const json = (status: number, body: unknown): ApiResponse => ({ status, contentType: 'application/json', body: `${JSON.stringify(body)}\n`, log: true });

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The role the request authenticates as, or undefined. Never throws on malformed input. */
export function authenticate(authorization: string | undefined, passwords: ApiState['passwords']): Role | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user === 'server' && equal(password, passwords.server)) return 'server';
  if (user === 'node' && (equal(password, passwords.node) || equal(password, passwords.server))) return 'node';
  return undefined;
}

export function handle(req: ApiRequest, state: ApiState): ApiResponse {
  if (req.method !== 'GET') return text(405, 'method not allowed\n');
  if (req.path === '/ping') return text(200, 'pong', false);
  if (req.path === '/cacerts') return text(200, state.caPem);
  if (!req.path.startsWith('/v1-rfo/')) return text(404, 'not found\n');
  const role = authenticate(req.authorization, state.passwords);
  if (!role) return { ...text(401, 'unauthorized: use the token from server/node-token\n'), contentType: 'text/plain' };
  switch (req.path) {
    case '/v1-rfo/readyz':
      return state.ready() ? text(200, 'ok\n') : text(503, 'starting\n');
    case '/v1-rfo/config':
      return json(200, state.agentConfig());
    default:
      return text(404, 'not found\n');
  }
}
