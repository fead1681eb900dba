// Pure: the supervisor API on port 9345 that nodes talk to before they are
// part of the cluster. Requests come in as data, responses go out as data;
// only listener.ts touches sockets. Unauthenticated: /cacerts (so a joining
// node can check the CA hash in its token before sending any credential) and
// /ping (health, never logged). Everything under /v1-rfo/, and /metrics,
// needs HTTP basic auth as user "server" (full rights) or "node" (node rights only).

import { timingSafeEqual } from 'node:crypto';
import { parseNodeIdentity } from './parse-node-headers.ts';
import type { NodeIdentityRules } from './parse-node-headers.ts';
import { metricsContentType } from '../pki/render-cert-metrics.ts';

export type Role = 'server' | 'node';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** The request body (only server-role PUTs may have one; see listener.ts). */
  readonly body?: string;
}

/**
 * A server-role endpoint beyond the join protocol (secrets encryption,
 * certificates), keyed `METHOD /v1-rfo/path`. Only the server token reaches
 * them: they change what the whole cluster trusts or how it stores secrets.
 */
export type ServerRoute = (req: ApiRequest) => Promise<ApiResponse>;

export interface ApiResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** false for health checks, which must not fill the log. */
  readonly log: boolean;
}

/** Certificates a joining agent fetches, one endpoint each (RKE2's layout). */
export const nodeCertKinds = ['serving-kubelet', 'client-kubelet', 'client-kube-proxy', 'client-flannel'] as const;
export type NodeCertKind = (typeof nodeCertKinds)[number];

export interface ApiState {
  readonly caPem: string;
  /** Passwords per user: "server" = the server token's, "node" = the agent token's (or the server's). */
  readonly passwords: Readonly<Record<Role, string>>;
  readonly ready: () => boolean;
  /** What an agent needs to configure itself (cluster-wide settings, server addresses). */
  readonly agentConfig: () => Readonly<Record<string, unknown>>;
  /** Certificate + key (PEM, concatenated) for a node. */
  readonly issueNodeCert: (kind: NodeCertKind, nodeName: string, nodeIps: readonly string[]) => Promise<string>;
  /**
   * The node-password scheme: true if this password is the one registered for
   * the node name (or the name is new and now registered with it).
   */
  readonly checkNodePassword: (nodeName: string, password: string) => Promise<boolean>;
  /** The bootstrap data a joining server needs, sealed with the server token. */
  readonly bootstrap: () => Promise<string>;
  /** etcd members, for a joining server. */
  readonly etcdMembers: () => Promise<unknown>;
  /** What a node name and node IPs may not be (reserved names, the service IP). */
  readonly identityRules: NodeIdentityRules;
  /**
   * The servers' node names (etcd member names) and IPs (canonical, see
   * canonicalIp), read live: only the server token gets certificates for them.
   */
  readonly servers: () => Promise<{ readonly names: ReadonlySet<string>; readonly ips: ReadonlySet<string> }>;
  /**
   * Addresses other nodes registered at their join (node name → canonical
   * IPs, node-ips.ts): an agent gets no serving certificate for an address
   * another node holds, or it could pose as that node's kubelet.
   */
  readonly registeredNodeIps?: () => Promise<ReadonlyMap<string, readonly string[]>>;
  /** GET /metrics: Prometheus text (format 0.0.4) of this server's metrics; absent, /metrics is 404. */
  readonly metrics?: () => Promise<string>;
  /** Server-role endpoints, e.g. `GET /v1-rfo/encrypt/status`. */
  readonly serverRoutes?: Readonly<Record<string, ServerRoute>>;
}

export const text = (status: number, body: string, log = true): ApiResponse => ({ status, contentType: 'text/plain', body, log });
export const json = (status: number, body: unknown): ApiResponse => ({ status, contentType: 'application/json', body: `${JSON.stringify(body)}\n`, log: true });

/** Whether a request may carry a body: only PUTs, and the listener reads one only for the server role. */
export const takesBody = (method: string): boolean => method === 'PUT';

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

/**
 * A node's certificates: only for its own name, and only with the password
 * that name was registered with. A server's name or IP needs the server
 * token: with the agent token anyone could otherwise register (or present the
 * password of) a server's name and get its kubelet identity. Every check runs
 * before the node password is registered, so a refused request leaves nothing.
 */
/** Pure: the other node that registered one of these addresses, if any. */
export function ipHolder(registered: ReadonlyMap<string, readonly string[]> | undefined, name: string, ips: readonly string[]): { node: string; ip: string } | undefined {
  for (const [node, held] of registered ?? []) {
    if (node === name) continue;
    const ip = ips.find((i) => held.includes(i));
    if (ip) return { node, ip };
  }
  return undefined;
}

async function nodeCert(kind: NodeCertKind, req: ApiRequest, role: Role, state: ApiState): Promise<ApiResponse> {
  const id = parseNodeIdentity(req.headers ?? {}, state.identityRules);
  if (!id.ok) return text(400, `${id.error}\n`);
  const registered = role === 'server' ? undefined : await state.registeredNodeIps?.();
  if (role !== 'server') {
    const servers = await state.servers();
    if (servers.names.has(id.name)) {
      return text(403, `node name ${id.name} belongs to a server (an etcd member); the agent token cannot get certificates for it. Give this node another --node-name\n`);
    }
    const taken = id.ips.find((ip) => servers.ips.has(ip));
    if (taken) return text(403, `node IP ${taken} belongs to a server; the agent token cannot get certificates for it. Check --node-ip on this node\n`);
  }
  // A known name proves itself first (that check registers nothing); a new
  // name is registered by it, so the address check comes before it then.
  const known = registered?.has(id.name) ?? false;
  if (known && !(await state.checkNodePassword(id.name, id.password))) return nameTaken(id.name);
  const holder = ipHolder(registered, id.name, id.ips);
  if (holder) {
    return text(
      403,
      `node IP ${holder.ip} is registered to node ${holder.node}; the agent token cannot get certificates for another node's address. ` +
        `Check --node-ip on this node, or if ${holder.node} is gone: kubectl delete node ${holder.node}\n`,
    );
  }
  if (!known && !(await state.checkNodePassword(id.name, id.password))) return nameTaken(id.name);
  return text(200, await state.issueNodeCert(kind, id.name, id.ips));
}

function nameTaken(name: string): ApiResponse {
  return text(
    403,
    `node name ${name} is already registered with a different node password: another node uses this name. ` +
      `Give this node another --node-name, or if the old node is gone, delete its secret: kubectl -n kube-system delete secret ${name}.node-password.rfo\n`,
  );
}

const serverOnly = 'this token lets agents join, not servers: use the server token (server/token) to join a server\n';

export async function handle(req: ApiRequest, state: ApiState): Promise<ApiResponse> {
  if (req.method !== 'GET' && !takesBody(req.method)) return text(405, 'method not allowed\n');
  const route = state.serverRoutes?.[`${req.method} ${req.path}`];
  if (route) {
    const role = authenticate(req.authorization, state.passwords);
    if (!role) return text(401, 'unauthorized: use the server token (server/token)\n');
    return role === 'server' ? route(req) : text(403, 'this endpoint needs the server token (server/token), not the agent token\n');
  }
  if (req.method !== 'GET') return text(405, 'method not allowed\n');
  if (req.path === '/ping') return text(200, 'pong', false);
  if (req.path === '/cacerts') return text(200, state.caPem);
  const isMetrics = req.path === '/metrics' && state.metrics !== undefined;
  if (!req.path.startsWith('/v1-rfo/') && !isMetrics) return text(404, 'not found\n');
  const role = authenticate(req.authorization, state.passwords);
  if (!role) return text(401, 'unauthorized: use the token from server/node-token\n');
  // Certificate expiry says which files to attack next and when: not for anonymous callers.
  if (isMetrics && state.metrics) return { status: 200, contentType: metricsContentType, body: await state.metrics(), log: false };
  const kind = nodeCertKinds.find((k) => req.path === `/v1-rfo/${k}.crt`);
  if (kind) return nodeCert(kind, req, role, state);
  switch (req.path) {
    case '/v1-rfo/readyz':
      return state.ready() ? text(200, 'ok\n') : text(503, 'starting\n');
    case '/v1-rfo/config':
      return json(200, state.agentConfig());
    case '/v1-rfo/bootstrap':
    case '/v1-rfo/etcd-members':
      if (role !== 'server') return text(403, serverOnly);
      return req.path === '/v1-rfo/bootstrap' ? text(200, await state.bootstrap()) : json(200, await state.etcdMembers());
    default:
      return text(404, 'not found\n');
  }
}
