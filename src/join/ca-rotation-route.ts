// PUT /v1-rfo/cert/cacerts (server token only; RKE2's /v1-rke2/cert/cacerts):
// `rfo certificate rotate-ca` sends new CA files here. This server checks
// them against its own current files (planCaRotation), backs up server/tls,
// and writes them; nothing takes effect until rfo restarts (the next start
// reissues every leaf of a replaced CA). Each server of an HA cluster keeps
// its own server/tls, so the command is run against each of them; a server
// that joins later copies the files from the server it joins.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { json, text } from '../api/handlers.ts';
import type { ServerRoute } from '../api/handlers.ts';
import { backupTlsDir } from '../pki/backup-tls.ts';
import { caRotationFiles, planCaRotation } from '../pki/plan-ca-rotation.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export const caRotationPath = '/v1-rfo/cert/cacerts';

/** What the client sends: file name (as in server/tls) → PEM. */
export interface CaRotationRequest {
  readonly force?: boolean;
  readonly files: Readonly<Record<string, string>>;
}

export interface CaRotationReply {
  readonly changed: readonly string[];
  readonly backup?: string;
  readonly serverCaChanged: boolean;
}

function parseRequest(body: string | undefined): CaRotationRequest | undefined {
  try {
    const v = JSON.parse(body ?? '') as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { force, files } = v as { force?: unknown; files?: unknown };
    if (force !== undefined && typeof force !== 'boolean') return undefined;
    if (typeof files !== 'object' || files === null || !Object.values(files).every((f) => typeof f === 'string')) return undefined;
    return { force: force === true, files: files as Record<string, string> };
  } catch {
    return undefined;
  }
}

export function caRotationRoute(tlsDir: string, log: (m: string) => void): ServerRoute {
  return async (req) => {
    const request = parseRequest(req.body);
    if (!request) return text(400, 'expected JSON {"force": bool, "files": {"<name>": "<PEM>"}}\n');
    const current: Record<string, string> = {};
    for (const f of [...caRotationFiles, 'service.current.key']) {
      const content = await readFile(join(tlsDir, f), 'utf8').catch(() => undefined);
      if (content !== undefined) current[f] = content;
    }
    const plan = planCaRotation({ current, staged: request.files, force: request.force === true, now: new Date() });
    if (!plan.ok) return text(400, `the new CA files were refused; nothing was changed:\n${plan.problems.map((p) => `  ${p}`).join('\n')}\n`);
    if (plan.writes.length === 0) return json(200, { changed: [], serverCaChanged: false } satisfies CaRotationReply);
    const backup = await backupTlsDir(tlsDir, Date.now() / 1000);
    for (const w of plan.writes) await writeFileAtomic(join(tlsDir, w.file), w.content, w.mode);
    log(`rotate-ca: wrote ${plan.changed.join(', ')}${request.force ? ' (--force: not checked)' : ''}; backup in ${backup}; restart rfo on every server, then every agent`);
    return json(200, { changed: plan.changed, backup, serverCaChanged: plan.serverCaChanged } satisfies CaRotationReply);
  };
}
