// `rfo certificate rotate-ca --path <dir>`: read the staged CA files and PUT
// them to a server's supervisor with the server token (RKE2's flow). The
// server checks and writes them; this side only reads and reports.

import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RfoError } from '../errors.ts';
import { fetchCacerts, joinRequest, verifyCa } from '../join/join-client.ts';
import { parseToken } from '../join/token.ts';
import { caRotationPath } from '../join/ca-rotation-route.ts';
import type { CaRotationReply } from '../join/ca-rotation-route.ts';
import { caRotationFiles } from '../pki/plan-ca-rotation.ts';

export interface RotateCaOptions {
  readonly dataDir: string;
  readonly path: string | undefined;
  readonly force: boolean;
  readonly server: string;
  readonly token: string | undefined;
}

export async function rotateCa(o: RotateCaOptions, log: (m: string) => void): Promise<number> {
  if (!o.path) throw new RfoError('RFO_USAGE', 'rotate-ca needs --path <dir> with the new CA files', { hint: `name them as in server/tls: ${caRotationFiles.join(', ')}` });
  const dir = resolve(o.path);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new RfoError('RFO_USAGE', `--path ${dir} is not a directory`, { hint: 'point --path at the directory holding the new CA files' });
  const files: Record<string, string> = {};
  for (const f of caRotationFiles) {
    const content = await readFile(join(dir, f), 'utf8').catch(() => undefined);
    if (content !== undefined) files[f] = content;
  }
  if (Object.keys(files).length === 0) throw new RfoError('RFO_USAGE', `no CA files in ${dir}`, { hint: `name them as in server/tls: ${caRotationFiles.join(', ')}` });
  const tokenText = o.token ?? (await readFile(join(o.dataDir, 'server/token'), 'utf8').catch(() => undefined));
  if (!tokenText) throw new RfoError('RFO_USAGE', `no server token: --token not given and ${join(o.dataDir, 'server/token')} cannot be read`, { hint: 'run it on a server (as root), or pass --token with the content of server/token' });
  const token = parseToken(tokenText.trim());
  const caPem = await fetchCacerts(o.server);
  verifyCa(token, caPem, log);
  log(`sending ${Object.keys(files).join(', ')} to ${o.server}${o.force ? ' (--force: not checked)' : ''}`);
  let reply: CaRotationReply;
  try {
    reply = JSON.parse(await joinRequest({ server: o.server, caPem, username: 'server', password: token.password }, 'PUT', caRotationPath, { body: { force: o.force, files } })) as CaRotationReply;
  } catch (err) {
    // 400: this server refused the files; 409: another server did (or is down). Nothing was changed anywhere.
    const status = err instanceof RfoError && err.code === 'RFO_JOIN_FAILED' ? /answered (\d{3})/.exec(err.message)?.[1] : undefined;
    if (status === '400' || status === '409') {
      throw new RfoError('RFO_CA_INVALID', (err as Error).message.slice((err as Error).message.indexOf(':') + 2), {
        hint: 'fix the CA files (a bundle: the new CA, then a copy cross-signed by the current CA; the matching key) or start the server named above; --force replaces the CAs without the checks (every node must then join again)',
      });
    }
    throw err;
  }
  const servers = [{ server: o.server, changed: reply.changed, backup: reply.backup }, ...(reply.peers ?? [])].filter((r) => r.changed.length > 0);
  if (servers.length === 0) {
    process.stdout.write('the servers already have these CA files; nothing changed\n');
    return 0;
  }
  for (const r of servers) process.stdout.write(`${r.server} wrote ${r.changed.join(', ')} (backup: ${r.backup ?? '-'})\n`);
  process.stdout.write(
    'Restart rfo on each server, then on each agent, to use them.\n' +
      (reply.serverCaChanged ? 'server-ca changed: the CA hash in the token changes; give agents and servers the new token from server/token after the restart.\n' : ''),
  );
  return 0;
}
