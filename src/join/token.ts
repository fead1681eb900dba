// Pure: join tokens in the K3s/RKE2 format `K10<ca-hash>::<user>:<password>`.
// The CA hash lets a joining node check the server's CA before it sends any
// credential; a bare password is accepted but cannot be checked.

import { createHash } from 'node:crypto';
import { RfoError } from '../errors.ts';

export interface JoinToken {
  /** sha256 (hex) of the server CA bundle as /cacerts serves it; undefined for bare tokens. */
  readonly caHash?: string;
  /** "server" or "node"; undefined for bare tokens (the client decides). */
  readonly username?: string;
  readonly password: string;
}

const prefix = 'K10';

/** The hash a token carries: sha256 of the CA PEM bytes, as served by /cacerts. */
export function caHashOf(caBundlePem: string | Buffer): string {
  return createHash('sha256').update(caBundlePem).digest('hex');
}

export function formatToken(token: Required<JoinToken>): string {
  return `${prefix}${token.caHash}::${token.username}:${token.password}`;
}

function invalid(detail: string): RfoError {
  // Never include the token itself: it is a credential.
  return new RfoError('RFO_CONFIG_INVALID', `invalid token: ${detail}`, {
    hint: 'use the full token from /var/lib/rancher/rfo/server/node-token on a server (K10<hash>::<user>:<password>)',
  });
}

export function parseToken(text: string): JoinToken {
  const value = text.trim();
  if (value === '') throw invalid('it is empty');
  if (!value.startsWith(prefix)) {
    if (value.includes('::')) throw invalid('it has "::" but does not start with K10');
    return { password: value };
  }
  const sep = value.indexOf('::');
  if (sep < 0) return { password: value };
  const hash = value.slice(prefix.length, sep);
  if (hash.length !== 64 || !/^[0-9a-f]+$/.test(hash)) throw invalid('the CA hash must be 64 hex characters');
  const creds = value.slice(sep + 2);
  const colon = creds.indexOf(':');
  if (colon < 0) {
    if (creds === '') throw invalid('it has no password');
    return { caHash: hash, password: creds };
  }
  const username = creds.slice(0, colon);
  const password = creds.slice(colon + 1);
  if (!username || !password) throw invalid('user and password must both be present');
  return { caHash: hash, username, password };
}
