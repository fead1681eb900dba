// Pure: the credentials of one context of a kubeconfig (the files rfo writes
// embed everything; paths are resolved against the file's directory so a
// user's kubeconfig with certificate-authority: ./ca.crt works too).

import { parse } from 'yaml';
import { RfoError } from '../errors.ts';

export interface KubeCredentials {
  readonly server: string;
  readonly caPem?: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly token?: string;
  /** Files named by the kubeconfig instead of embedded data; the adapter reads them. */
  readonly files: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly token?: string };
  readonly insecureSkipTlsVerify: boolean;
}

interface Named<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

const fromB64 = (v: unknown) => (typeof v === 'string' && v !== '' ? Buffer.from(v, 'base64').toString('utf8') : undefined);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function pick<T>(list: unknown, name: string, what: string, source: string): T {
  const found = (Array.isArray(list) ? (list as Named<T>[]) : []).find((e) => e.name === name);
  const body = found?.cluster ?? found?.user ?? found?.context;
  if (!body) throw new RfoError('RFO_CONFIG_INVALID', `kubeconfig ${source}: no ${what} named "${name}"`, { hint: 'point --kubeconfig at a complete kubeconfig, e.g. /etc/rancher/rfo/rfo.yaml' });
  return body;
}

export function parseKubeconfig(text: string, source: string, resolvePath: (p: string) => string, context?: string): KubeCredentials {
  let doc: Record<string, unknown>;
  try {
    doc = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new RfoError('RFO_CONFIG_INVALID', `kubeconfig ${source} is not valid YAML: ${(err as Error).message}`, { hint: 'regenerate it (rfo writes it at start)' });
  }
  const ctxName = context ?? str(doc['current-context']);
  if (!ctxName) throw new RfoError('RFO_CONFIG_INVALID', `kubeconfig ${source} has no current-context`, { hint: 'set current-context in the file' });
  const ctx = pick<{ cluster?: string; user?: string }>(doc.contexts, ctxName, 'context', source);
  const cluster = pick<Record<string, unknown>>(doc.clusters, ctx.cluster ?? '', 'cluster', source);
  const user = ctx.user ? pick<Record<string, unknown>>(doc.users, ctx.user, 'user', source) : {};
  const server = str(cluster.server);
  if (!server || !/^https?:\/\//.test(server)) throw new RfoError('RFO_CONFIG_INVALID', `kubeconfig ${source}: cluster "${ctx.cluster ?? ''}" has no https server URL`, { hint: 'set clusters[].cluster.server' });
  const file = (v: unknown) => (str(v) ? resolvePath(str(v) ?? '') : undefined);
  const files = {
    ...(file(cluster['certificate-authority']) ? { ca: file(cluster['certificate-authority']) } : {}),
    ...(file(user['client-certificate']) ? { cert: file(user['client-certificate']) } : {}),
    ...(file(user['client-key']) ? { key: file(user['client-key']) } : {}),
    ...(file(user.tokenFile) ? { token: file(user.tokenFile) } : {}),
  };
  const caPem = fromB64(cluster['certificate-authority-data']);
  const certPem = fromB64(user['client-certificate-data']);
  const keyPem = fromB64(user['client-key-data']);
  const token = str(user.token);
  return {
    server: server.replace(/\/+$/, ''),
    ...(caPem ? { caPem } : {}),
    ...(certPem ? { certPem } : {}),
    ...(keyPem ? { keyPem } : {}),
    ...(token ? { token } : {}),
    files,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}
