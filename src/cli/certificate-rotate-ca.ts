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
    // The server answers 400 with the reasons; nothing was changed there.
    if (err instanceof RfoError && err.code === 'RFO_JOIN_FAILED' && err.message.includes('answered 400')) {
      throw new RfoError('RFO_CA_INVALID', err.message.slice(err.message.indexOf(':') + 2), { hint: 'fix the CA files (a bundle: the new CA, then a copy cross-signed by the current CA; the matching key), or pass --force to replace the CAs without these checks (every node must then join again)' });
    }
    throw err;
  }
  if (reply.changed.length === 0) {
    process.stdout.write('the server already has these CA files; nothing changed\n');
    return 0;
  }
  process.stdout.write(
    `${o.server} wrote ${reply.changed.join(', ')} (backup: ${reply.backup ?? '-'}).\n` +
      'Run this against every other server too (--server https://<server>:9345), then restart rfo on each server, then on each agent.\n' +
      (reply.serverCaChanged ? 'server-ca changed: the CA hash in the token changes; give agents and servers the new token from server/token after the restart.\n' : ''),
  );
  return 0;
}
