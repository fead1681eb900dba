// rfo's own Kubernetes API client: HTTPS with the client certificate of a
// kubeconfig, JSON in and out, server-side apply, watches. Why not
// @kubernetes/client-node: importing it costs ~85 MiB of RSS and ~1 s of
// start-up (measured, README "Dependencies"), more than the whole budget of
// rfo's own process; rfo needs a handful of verbs on a handful of kinds.

import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { RfoError } from '../errors.ts';
import { parseKubeconfig } from './parse-kubeconfig.ts';
import type { KubeCredentials } from './parse-kubeconfig.ts';
import { knownType, parseApiVersion, parseDiscovery, resourcePath } from './resource-path.ts';
import type { ObjectRef, PathOptions, ResourceType } from './resource-path.ts';
import { createWatchParser } from './parse-watch-stream.ts';
import type { KubeObject, WatchEvent } from './parse-watch-stream.ts';

/** An API answer of 4xx/5xx (status and reason as the apiserver gave them). */
export class KubeApiError extends RfoError {
  readonly status: number;
  readonly reason: string;
  constructor(method: string, path: string, status: number, reason: string, message: string) {
    super('RFO_KUBE_API', `${method} ${path.split('?')[0] ?? path}: ${status} ${reason}: ${message}`, { hint: status === 401 || status === 403 ? "check the client certificate's rights (RBAC)" : 'see the kube-apiserver log (agent/logs/kube-apiserver.log)' });
    this.status = status;
    this.reason = reason;
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof KubeApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof KubeApiError && err.status === 409;

export interface ListResult<T> {
  readonly items: T[];
  readonly resourceVersion: string;
  /** Set when `limit` cut the list: pass it as `continue` for the next page. */
  readonly continue?: string;
}

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Paging (large collections, e.g. every Secret during a reencryption). */
  readonly limit?: number;
  readonly continue?: string;
}

interface Tls {
  readonly ca?: Buffer | string;
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
  readonly rejectUnauthorized: boolean;
}

export class KubeClient {
  readonly server: URL;
  private readonly tls: Tls;
  private readonly token: string | undefined;
  private readonly agent: Agent;
  private readonly discovered = new Map<string, ResourceType[]>();

  constructor(server: string, tls: Tls, token?: string) {
    this.server = new URL(server);
    this.tls = tls;
    this.token = token;
    // Few sockets, kept alive: rfo's traffic is a trickle plus a few watches.
    this.agent = new Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 2, ...tls });
  }

  static async fromCredentials(c: KubeCredentials): Promise<KubeClient> {
    const read = (p: string | undefined) => (p ? readFile(p) : Promise.resolve(undefined));
    const [caFile, certFile, keyFile, tokenFile] = await Promise.all([read(c.files.ca), read(c.files.cert), read(c.files.key), read(c.files.token)]);
    const ca = c.caPem ?? caFile;
    const cert = c.certPem ?? certFile;
    const key = c.keyPem ?? keyFile;
    return new KubeClient(
      c.server,
      { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), rejectUnauthorized: !c.insecureSkipTlsVerify },
      c.token ?? tokenFile?.toString('utf8').trim(),
    );
  }

  static async fromKubeconfig(path: string): Promise<KubeClient> {
    const text = await readFile(path, 'utf8');
    return KubeClient.fromCredentials(parseKubeconfig(text, path, (p) => resolve(dirname(path), p)));
  }

  close(): void {
    this.agent.destroy();
  }

  private open(method: string, path: string, body: string | undefined, contentType: string, timeoutMs: number): Promise<IncomingMessage> {
    return new Promise((resolveRes, reject) => {
      const req = request(
        {
          protocol: 'https:',
          hostname: this.server.hostname,
          port: this.server.port || 443,
          method,
          path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            'user-agent': 'rfo',
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        resolveRes,
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${this.server.host} within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One request; JSON answer, KubeApiError for 4xx/5xx. */
  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json', timeoutMs = 30_000): Promise<T> {
    const text = await this.requestText(method, path, body, contentType, timeoutMs);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** One request; the answer as text (e.g. /metrics), KubeApiError for 4xx/5xx. */
  async requestText(method: string, path: string, body?: unknown, contentType = 'application/json', timeoutMs = 30_000): Promise<string> {
    const res = await this.open(method, path, body === undefined ? undefined : JSON.stringify(body), contentType, timeoutMs);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      let reason = res.statusMessage ?? '';
      let message = text.trim().slice(0, 500);
      try {
        const s = JSON.parse(text) as { reason?: string; message?: string };
        reason = s.reason ?? reason;
        message = s.message ?? message;
      } catch {
        // not a Status object; keep the text
      }
      throw new KubeApiError(method, path, status, reason, message);
    }
    return text;
  }

  /** The resource type of a kind: known ones directly, others by discovery (cached). */
  async typeFor(apiVersion: string, kind: string): Promise<ResourceType> {
    const k = knownType(apiVersion, kind);
    if (k) return k;
    const { group, version } = parseApiVersion(apiVersion);
    const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
    const missing = () => new KubeApiError('GET', path, 404, 'NotFound', `the server has no kind ${kind} in ${apiVersion} (is its CustomResourceDefinition installed?)`);
    let types = this.discovered.get(apiVersion);
    if (!types) {
      try {
        types = parseDiscovery(apiVersion, await this.request('GET', path));
      } catch (err) {
        throw isNotFound(err) ? missing() : err; // the whole group is unknown
      }
      this.discovered.set(apiVersion, types);
    }
    const t = types.find((x) => x.kind === kind);
    if (!t) {
      this.discovered.delete(apiVersion); // a CRD may be established a moment later
      throw missing();
    }
    return t;
  }

  async get<T extends KubeObject = KubeObject>(t: ResourceType, name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', resourcePath(t, { name, ...(namespace ? { namespace } : {}) }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(t: ResourceType, o: ListOptions = {}): Promise<ListResult<T>> {
    const query = { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, limit: o.limit, continue: o.continue };
    const r = await this.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>('GET', resourcePath(t, { ...(o.namespace ? { namespace: o.namespace } : {}), query }));
    return { items: r.items ?? [], resourceVersion: r.metadata?.resourceVersion ?? '', ...(r.metadata?.continue ? { continue: r.metadata.continue } : {}) };
  }

  create<T extends KubeObject>(t: ResourceType, obj: T): Promise<T> {
    return this.request<T>('POST', resourcePath(t, obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), obj);
  }

  /** Server-side apply: rfo owns the fields it sets, under its field manager. */
  async apply<T extends KubeObject>(obj: T, fieldManager = 'rfo', force = true): Promise<T> {
    const t = await this.typeFor(obj.apiVersion ?? '', obj.kind ?? '');
    const path = resourcePath(t, { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), query: { fieldManager, force } });
    // JSON is YAML: the apply-patch content type takes it as it is.
    return this.request<T>('PATCH', path, obj, 'application/apply-patch+yaml');
  }

  /** PUT the object as it is (with its resourceVersion: a concurrent change answers 409). */
  replace<T extends KubeObject>(t: ResourceType, obj: T): Promise<T> {
    return this.request<T>('PUT', resourcePath(t, { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }), obj);
  }

  mergePatch<T extends KubeObject = KubeObject>(t: ResourceType, name: string, patch: unknown, o: Omit<PathOptions, 'name'> = {}): Promise<T> {
    return this.request<T>('PATCH', resourcePath(t, { ...o, name }), patch, 'application/merge-patch+json');
  }

  /** Delete; false when it was already gone. */
  async delete(t: ResourceType, name: string, namespace?: string, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
    try {
      await this.request('DELETE', resourcePath(t, { name, ...(namespace ? { namespace } : {}) }), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async deleteRef(ref: ObjectRef): Promise<boolean> {
    return this.delete(await this.typeFor(ref.apiVersion, ref.kind), ref.name, ref.namespace);
  }

  /**
   * One watch request from resourceVersion; resolves when the server ends it
   * (it does after a timeout) or the signal aborts. A 410 Gone arrives as an
   * ERROR event: the caller relists.
   */
  async watch<T extends KubeObject = KubeObject>(t: ResourceType, resourceVersion: string, onEvent: (e: WatchEvent<T>) => void, o: ListOptions & { signal?: AbortSignal; timeoutSeconds?: number } = {}): Promise<void> {
    const path = resourcePath(t, {
      ...(o.namespace ? { namespace: o.namespace } : {}),
      query: { watch: true, allowWatchBookmarks: true, resourceVersion, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, timeoutSeconds: o.timeoutSeconds ?? 300 },
    });
    const res = await this.open('GET', path, undefined, '', ((o.timeoutSeconds ?? 300) + 30) * 1000);
    if ((res.statusCode ?? 0) >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw new KubeApiError('GET', path, res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks).toString('utf8').slice(0, 300));
    }
    const abort = () => res.destroy();
    o.signal?.addEventListener('abort', abort, { once: true });
    // Aborted while the request was opening: the listener above never fires,
    // and the open stream would hold its socket (and the process) for minutes.
    if (o.signal?.aborted) abort();
    const parse = createWatchParser();
    try {
      res.setEncoding('utf8');
      for await (const chunk of res) for (const e of parse(chunk as string)) onEvent(e as WatchEvent<T>);
    } catch (err) {
      if (!o.signal?.aborted) throw err;
    } finally {
      o.signal?.removeEventListener('abort', abort);
    }
  }
}
