// PUT /v1-rfo/cert/cacerts (server token only; RKE2's /v1-rke2/cert/cacerts):
// `rfo certificate rotate-ca` sends new CA files here. Nothing takes effect
// until rfo restarts (the next start reissues every leaf of a replaced CA).
//
// Every server keeps its own server/tls (RKE2 keeps the CAs in the
// datastore instead), so the server that receives the files hands them on
// to every other server (the voting etcd members) with the server token, in
// two phases: each server first checks them against its own files; only when
// all agree does each one back up server/tls and write them. A server that
// is down or refuses stops the rotation before anything is written anywhere.
// A server joining later copies the files from the server it joins.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { json, text } from '../api/handlers.ts';
import type { ServerRoute } from '../api/handlers.ts';
import { backupTlsDir } from '../pki/backup-tls.ts';
import { caRotationFiles, planCaRotation } from '../pki/plan-ca-rotation.ts';
import type { CaRotationPlan } from '../pki/plan-ca-rotation.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { joinRequest } from './join-client.ts';

export const caRotationPath = '/v1-rfo/cert/cacerts';

/** What the client sends: file name (as in server/tls) → PEM. */
export interface CaRotationRequest {
  readonly force?: boolean;
  readonly files: Readonly<Record<string, string>>;
  /** Set by the receiving server on what it hands on: check only, or write; never handed on again. */
  readonly peer?: 'check' | 'write';
}

export interface ServerResult {
  readonly server: string;
  readonly changed: readonly string[];
  readonly backup?: string;
}

export interface CaRotationReply {
  readonly changed: readonly string[];
  readonly backup?: string;
  readonly serverCaChanged: boolean;
  /** The other servers that wrote the files (the receiving server hands them on). */
  readonly peers?: readonly ServerResult[];
}

export interface CaRotationOptions {
  readonly tlsDir: string;
  readonly log: (m: string) => void;
  /** The other servers' supervisor URLs (https://<ip>:9345), read when a rotation arrives. */
  readonly peers: () => Promise<readonly string[]>;
  /** To talk to them: the cluster CA they serve with and the server token's password. */
  readonly caPem: string;
  readonly serverPassword: string;
}

function parseRequest(body: string | undefined): CaRotationRequest | undefined {
  try {
    const v = JSON.parse(body ?? '') as unknown;
    if (typeof v !== 'object' || v === null) return undefined;
    const { force, files, peer } = v as { force?: unknown; files?: unknown; peer?: unknown };
    if (force !== undefined && typeof force !== 'boolean') return undefined;
    if (peer !== undefined && peer !== 'check' && peer !== 'write') return undefined;
    if (typeof files !== 'object' || files === null || !Object.values(files).every((f) => typeof f === 'string')) return undefined;
    return { force: force === true, files: files as Record<string, string>, ...(peer ? { peer } : {}) };
  } catch {
    return undefined;
  }
}

const refused = (problems: readonly string[]) => `the new CA files were refused; nothing was changed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`;

export function caRotationRoute(o: CaRotationOptions): ServerRoute {
  async function planHere(request: CaRotationRequest): Promise<CaRotationPlan> {
    const current: Record<string, string> = {};
    for (const f of [...caRotationFiles, 'service.current.key']) {
      const content = await readFile(join(o.tlsDir, f), 'utf8').catch(() => undefined);
      if (content !== undefined) current[f] = content;
    }
    return planCaRotation({ current, staged: request.files, force: request.force === true, now: new Date() });
  }

  async function writeHere(plan: Extract<CaRotationPlan, { ok: true }>, force: boolean): Promise<string | undefined> {
    if (plan.writes.length === 0) return undefined;
    const backup = await backupTlsDir(o.tlsDir, Date.now() / 1000);
    for (const w of plan.writes) await writeFileAtomic(join(o.tlsDir, w.file), w.content, w.mode);
    o.log(`rotate-ca: wrote ${plan.changed.join(', ')}${force ? ' (--force: not checked)' : ''}; backup in ${backup}; restart rfo on every server, then every agent`);
    return backup;
  }

  const ask = (server: string, request: CaRotationRequest, peer: 'check' | 'write') =>
    joinRequest({ server, caPem: o.caPem, username: 'server', password: o.serverPassword }, 'PUT', caRotationPath, { body: { ...request, peer }, timeoutMs: 30_000 });

  return async (req) => {
    const request = parseRequest(req.body);
    if (!request) return text(400, 'expected JSON {"force": bool, "files": {"<name>": "<PEM>"}}\n');
    const plan = await planHere(request);
    if (!plan.ok) return text(400, refused(plan.problems));
    if (request.peer === 'check') return json(200, { changed: plan.changed, serverCaChanged: plan.serverCaChanged } satisfies CaRotationReply);
    if (request.peer === 'write') {
      const backup = await writeHere(plan, request.force === true);
      return json(200, { changed: plan.changed, ...(backup ? { backup } : {}), serverCaChanged: plan.serverCaChanged } satisfies CaRotationReply);
    }
    // Phase 1: every other server checks the files against its own; any refusal or outage stops here.
    const peers = await o.peers();
    for (const server of peers) {
      try {
        await ask(server, request, 'check');
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        return text(409, `server ${server} did not accept the new CA files (${why.trim()}); nothing was changed on any server\n`);
      }
    }
    // Phase 2: write here, then on each of them.
    const backup = await writeHere(plan, request.force === true);
    const results: ServerResult[] = [];
    const failed: string[] = [];
    for (const server of peers) {
      try {
        const r = JSON.parse(await ask(server, request, 'write')) as CaRotationReply;
        results.push({ server, changed: r.changed, ...(r.backup ? { backup: r.backup } : {}) });
      } catch (err) {
        failed.push(`${server}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failed.length > 0) {
      return text(502, `the new CA files were written on this server${results.length ? ` and ${results.map((r) => r.server).join(', ')}` : ''} but not on:\n${failed.map((f) => `  ${f}`).join('\n')}\nrun rfo certificate rotate-ca with the same --path against each of those (--server https://<it>:9345) before restarting any server\n`);
    }
    return json(200, { changed: plan.changed, ...(backup ? { backup } : {}), serverCaChanged: plan.serverCaChanged, peers: results } satisfies CaRotationReply);
  };
}
