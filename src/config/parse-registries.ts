// Pure: RKE2's registries.yaml (`private-registry`, default
// /etc/rancher/rfo/registries.yaml) parsed and checked before anything is
// written. The format is RKE2's:
//
//   mirrors:
//     <registry or "*">: { endpoint: [<url>, ...] }
//   configs:
//     <host or "*">:
//       auth: { username, password, auth, identitytoken }
//       tls:  { ca_file, cert_file, key_file, insecure_skip_verify }
//
// `rewrite` is refused, not ignored: it is a feature of K3s' containerd fork,
// and rfo runs upstream containerd. A rewrite that silently stopped applying
// is what broke RKE2 users' pulls on patch upgrades (user-needs #7), so rfo
// says so at the start instead.

import { parse as parseYaml } from 'yaml';
import { RfoError } from '../errors.ts';

export interface RegistryEndpoint {
  /** As written, normalised: scheme://host[:port][/path] without a trailing slash. */
  readonly url: string;
  readonly scheme: 'http' | 'https';
  /** host[:port], the key configs are looked up by. */
  readonly host: string;
  /** '' when the URL names no path (the API root is then /v2). */
  readonly path: string;
}

export interface RegistryAuth {
  readonly username?: string;
  readonly password?: string;
  readonly auth?: string;
  readonly identitytoken?: string;
}

export interface RegistryTls {
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface RegistryConfig {
  readonly auth?: RegistryAuth;
  readonly tls?: RegistryTls;
}

export interface Registries {
  /** Registry name (host[:port], or '*' for every registry) → its mirrors, tried in order. */
  readonly mirrors: ReadonlyMap<string, readonly RegistryEndpoint[]>;
  /** Endpoint or registry host (or '*') → credentials and TLS. */
  readonly configs: ReadonlyMap<string, RegistryConfig>;
}

export const emptyRegistries: Registries = { mirrors: new Map(), configs: new Map() };

function bad(path: string, message: string, hint: string): RfoError {
  return new RfoError('RFO_CONFIG_INVALID', `${path}: ${message}`, { hint: `${hint}; nothing was started or written` });
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(path: string, where: string, o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw bad(path, `unknown key ${where}.${k}`, `allowed there: ${allowed.join(', ')}`);
  }
}

// host, host:port, IPv4, [IPv6]:port; what a registry name in an image reference may be.
const registryName = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

function checkRegistryName(path: string, where: string, name: string): void {
  if (name === '*' || registryName.test(name)) return;
  throw bad(path, `${where} "${name}" is not a registry name`, 'use host[:port] (docker.io, registry.example.com:5000) or "*" for every registry (quoted in YAML)');
}

export function parseEndpoint(path: string, registry: string, raw: unknown): RegistryEndpoint {
  if (typeof raw !== 'string' || raw === '') throw bad(path, `mirrors.${registry}.endpoint has a non-string entry`, 'each endpoint is a URL like https://mirror.example.com:5000');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad(path, `mirrors.${registry}.endpoint "${raw}" is not a URL`, 'write the scheme too: https://host[:port] (or http:// for a registry without TLS)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(path, `mirrors.${registry}.endpoint "${raw}" is not http or https`, 'use https://host[:port], or http:// for plain HTTP');
  if (u.username || u.password) throw bad(path, `mirrors.${registry}.endpoint "${u.protocol}//…@${u.host}" carries credentials in the URL`, `put them under configs."${u.host}".auth`);
  if (u.search || u.hash) throw bad(path, `mirrors.${registry}.endpoint "${raw}" has a query or fragment`, 'an endpoint is scheme://host[:port][/path]');
  const p = u.pathname.replace(/\/+$/, '');
  return { url: `${u.protocol}//${u.host}${p}`, scheme: u.protocol === 'http:' ? 'http' : 'https', host: u.host, path: p };
}

function optString(path: string, where: string, o: Obj, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(path, `${where}.${key} must be a string`, 'quote the value');
  return v;
}

function parseConfig(path: string, host: string, raw: unknown): RegistryConfig {
  if (raw === null || raw === undefined) return {};
  if (!isObj(raw)) throw bad(path, `configs.${host} must be a map`, 'give it auth: and/or tls:');
  onlyKeys(path, `configs.${host}`, raw, ['auth', 'tls']);
  const out: { auth?: RegistryAuth; tls?: RegistryTls } = {};
  if (raw.auth !== undefined && raw.auth !== null) {
    if (!isObj(raw.auth)) throw bad(path, `configs.${host}.auth must be a map`, 'give it username/password, auth or identitytoken');
    const a = raw.auth;
    const where = `configs.${host}.auth`;
    onlyKeys(path, where, a, ['username', 'password', 'auth', 'identitytoken']);
    const auth: Record<string, string> = {};
    for (const key of ['username', 'password', 'auth', 'identitytoken'] as const) {
      const v = optString(path, where, a, key);
      if (v !== undefined) auth[key] = v;
    }
    if ((auth.username === undefined) !== (auth.password === undefined)) throw bad(path, `${where} has a username without a password or the reverse`, 'give both, or use auth: (base64 of user:password) or identitytoken:');
    if (Object.keys(auth).length === 0) throw bad(path, `${where} is empty`, 'give username/password, auth or identitytoken, or remove auth:');
    out.auth = auth;
  }
  if (raw.tls !== undefined && raw.tls !== null) {
    if (!isObj(raw.tls)) throw bad(path, `configs.${host}.tls must be a map`, 'give it ca_file, cert_file/key_file or insecure_skip_verify');
    const t = raw.tls;
    const where = `configs.${host}.tls`;
    onlyKeys(path, where, t, ['ca_file', 'cert_file', 'key_file', 'insecure_skip_verify']);
    const file = (key: string): string | undefined => {
      const v = optString(path, where, t, key);
      if (v !== undefined && !v.startsWith('/')) throw bad(path, `${where}.${key} "${v}" is not an absolute path`, 'containerd reads it from its own directory: write the full path');
      return v;
    };
    const skip = t.insecure_skip_verify;
    if (skip !== undefined && skip !== null && typeof skip !== 'boolean') throw bad(path, `${where}.insecure_skip_verify must be true or false`, 'write true or false without quotes');
    const tls: RegistryTls = {
      ...(file('ca_file') ? { caFile: file('ca_file') } : {}),
      ...(file('cert_file') ? { certFile: file('cert_file') } : {}),
      ...(file('key_file') ? { keyFile: file('key_file') } : {}),
      ...(typeof skip === 'boolean' ? { insecureSkipVerify: skip } : {}),
    };
    if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) throw bad(path, `${where} has cert_file without key_file or the reverse`, 'a client certificate needs both');
    out.tls = tls;
  }
  return out;
}

/** Parse and check registries.yaml's text; `path` names the file in errors. */
export function parseRegistries(text: string, path: string): Registries {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw bad(path, `not valid YAML: ${(err as Error).message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  if (doc === null || doc === undefined) return emptyRegistries;
  if (!isObj(doc)) throw bad(path, 'must be a map with mirrors: and/or configs:', 'see README "Private registries"');
  onlyKeys(path, '(top level)', doc, ['mirrors', 'configs']);
  const mirrors = new Map<string, readonly RegistryEndpoint[]>();
  if (doc.mirrors !== undefined && doc.mirrors !== null) {
    if (!isObj(doc.mirrors)) throw bad(path, 'mirrors must be a map of registry names', 'mirrors: { docker.io: { endpoint: [https://mirror.example.com] } }');
    for (const [name, m] of Object.entries(doc.mirrors)) {
      checkRegistryName(path, 'mirrors key', name);
      if (!isObj(m)) throw bad(path, `mirrors.${name} must be a map`, 'give it endpoint: [<url>, ...]');
      if (m.rewrite !== undefined) {
        throw bad(path, `mirrors.${name}.rewrite is not supported`, 'rewrites need K3s\' containerd fork and rfo runs upstream containerd: mirror the images under their own names instead');
      }
      onlyKeys(path, `mirrors.${name}`, m, ['endpoint']);
      const list = m.endpoint ?? [];
      if (!Array.isArray(list)) throw bad(path, `mirrors.${name}.endpoint must be a list`, 'endpoint: [https://mirror.example.com]');
      mirrors.set(name, list.map((e) => parseEndpoint(path, name, e)));
    }
  }
  const configs = new Map<string, RegistryConfig>();
  if (doc.configs !== undefined && doc.configs !== null) {
    if (!isObj(doc.configs)) throw bad(path, 'configs must be a map of registry hosts', 'configs: { registry.example.com: { tls: { ca_file: /etc/ssl/ca.pem } } }');
    for (const [host, c] of Object.entries(doc.configs)) {
      checkRegistryName(path, 'configs key', host);
      configs.set(host, parseConfig(path, host, c));
    }
  }
  return { mirrors, configs };
}

/** Every file registries.yaml names (CA, client cert and key), checked to exist before the start. */
export function registryFiles(r: Registries): string[] {
  const files: string[] = [];
  for (const c of r.configs.values()) {
    for (const f of [c.tls?.caFile, c.tls?.certFile, c.tls?.keyFile]) if (f) files.push(f);
  }
  return files;
}
