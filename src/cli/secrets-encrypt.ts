// `rfo secrets-encrypt status|enable|disable|prepare|rotate|reencrypt|rotate-keys`:
// RKE2's subcommands and messages. The command changes nothing itself: it
// asks a running server's supervisor API (--server, default this node's
// 127.0.0.1:9345) with the server token (--token, else <data-dir>/server/token),
// after checking the server's CA against the token like a joining node does.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { renderHelp } from '../config/render-help.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { fetchCacerts, joinRequest, verifyCa } from '../join/join-client.ts';
import type { JoinSession } from '../join/join-client.ts';
import { parseToken } from '../join/token.ts';
import { renderEncryptionStatus } from '../secrets/render-encryption-status.ts';
import type { EncryptionStatus } from '../secrets/render-encryption-status.ts';
import { parseEncryptArgs } from './parse-encrypt-args.ts';

const summary = `Control secrets encryption at rest on a running cluster (through a server's supervisor API).

Subcommands:
  status        encryption on/off, the rotation stage, the keys, and whether every server loaded the same configuration (-o json)
  enable        write new Secrets encrypted (then: reencrypt --force --skip to rewrite the existing ones)
  disable       write new Secrets in plaintext (then: reencrypt --force --skip)
  prepare       add a new key that only decrypts, on every server
  rotate        make the prepared key the one that encrypts
  reencrypt     rewrite every Secret with the active key, then remove the old keys (--skip keeps them)
  rotate-keys   prepare, rotate and reencrypt in one command, waiting for every server at each step`;

export async function secretsEncryptCommand(args: string[], log: (m: string) => void): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(renderHelp('secrets-encrypt', summary).replace('rfo secrets-encrypt [options]', 'rfo secrets-encrypt <subcommand> [options]'));
    return 0;
  }
  const { verb, flags, extra } = parseEncryptArgs(args);
  if (!verb) throw new RfoError('RFO_USAGE', `rfo secrets-encrypt needs a subcommand${args[0] ? `, not "${args[0]}"` : ''}`, { hint: 'one of status, enable, disable, prepare, rotate, reencrypt, rotate-keys (rfo secrets-encrypt --help)' });
  if (extra.length > 0) throw new RfoError('RFO_USAGE', `unexpected argument "${extra[0]}" for secrets-encrypt ${verb}`, { hint: 'rfo secrets-encrypt --help' });
  const resolved = resolveConfig(await readConfigSources('secrets-encrypt', flags, process.env));
  if (!resolved.ok) throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`);
  const v = resolved.options.values;
  const output = String(v.output);
  if (!['table', 'text', 'json'].includes(output)) throw new RfoError('RFO_USAGE', `-o ${output}: use text or json`);
  const session = await connect(v);
  const put = async (body: Record<string, unknown>) => {
    const reply = JSON.parse(await request(session, 'PUT', '/v1-rfo/encrypt/config', body)) as { message?: string };
    return reply.message ?? '';
  };
  const force = v.force === true;
  switch (verb) {
    case 'status': {
      const status = JSON.parse(await request(session, 'GET', '/v1-rfo/encrypt/status')) as EncryptionStatus;
      process.stdout.write(output === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderEncryptionStatus(status));
      return 0;
    }
    case 'enable':
    case 'disable':
      process.stdout.write(`${await put({ enable: verb === 'enable', force })}\n`);
      return 0;
    case 'prepare':
    case 'rotate':
      process.stdout.write(`${await put({ stage: verb, force })}\n`);
      return 0;
    case 'reencrypt':
      process.stdout.write(`${await put({ stage: 'reencrypt_active', force, skip: v.skip === true })}\n`);
      return 0;
    case 'rotate-keys': {
      process.stdout.write(`${await put({ stage: 'rotate_keys', force })}\n`);
      return (await follow(session, log)) ? 0 : 1;
    }
  }
}

/** rotate-keys goes on in the server; show its stages until it finished (or stopped). */
async function follow(session: JoinSession, log: (m: string) => void): Promise<boolean> {
  const t0 = Date.now();
  let last = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 2_000));
    const s = JSON.parse(await request(session, 'GET', '/v1-rfo/encrypt/status')) as EncryptionStatus;
    const running = s.servers.some((x) => x.reencrypting);
    const line = `stage ${s.stage}${s.hashmatch ? '' : ` (${s.hasherror})`}`;
    if (line !== last) log(`rotate-keys: ${line} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    last = line;
    if (!running) {
      if (s.stage === 'reencrypt_finished') {
        process.stdout.write(`reencryption finished: active key ${s.activekey} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
        return true;
      }
      process.stdout.write(`rotate-keys stopped at stage ${s.stage}; see the server's log and \`rfo secrets-encrypt status\`\n`);
      return false;
    }
  }
}

async function connect(v: Readonly<Record<string, unknown>>): Promise<JoinSession> {
  const str = (k: string) => (typeof v[k] === 'string' ? v[k] : '');
  const server = str('server') || `https://127.0.0.1:${Number(v['supervisor-port'])}`;
  const tokenText = str('token') || (await readToken(str('token-file') || join(str('data-dir'), 'server', 'token')));
  const token = parseToken(tokenText.trim());
  const caPem = await fetchCacerts(server);
  verifyCa(token, caPem, () => undefined);
  return { server, caPem, username: 'server', password: token.password };
}

async function readToken(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new RfoError('RFO_CONFIG_INVALID', `cannot read the server token from ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: 'run this on a server (as root), or pass --token with the content of server/token',
    });
  }
}

/** A refused change (409) carries the server's typed error: shown as if it happened here. */
async function request(session: JoinSession, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<string> {
  try {
    return await joinRequest(session, method, path, { ...(body !== undefined ? { body } : {}), timeoutMs: 60_000 });
  } catch (err) {
    const m = err instanceof RfoError ? /answered 409: (\{.*\})$/s.exec(err.message) : null;
    if (m?.[1]) {
      const e = JSON.parse(m[1]) as { code?: string; message?: string; hint?: string };
      throw new RfoError('RFO_ENCRYPTION_STAGE', e.message ?? 'refused', e.hint ? { hint: e.hint } : {});
    }
    throw err;
  }
}
