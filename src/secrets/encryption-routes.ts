// The supervisor API's secrets-encryption endpoints (server token only, see
// api/handlers.ts serverRoutes), RKE2's paths under /v1-rfo/:
//   GET /v1-rfo/encrypt/status   the cluster's stage, keys and every server's hash
//   PUT /v1-rfo/encrypt/config   a stage change ({stage?, enable?, force, skip})
//   GET /v1-rfo/encrypt/local    this server alone (what status asks each server)
//   PUT /v1-rfo/encrypt/sync     read the record from etcd now (after another server changed it)

import { json, text } from '../api/handlers.ts';
import type { ServerRoute } from '../api/handlers.ts';
import { isRfoError } from '../errors.ts';
import { parseEncryptRequest } from './parse-encrypt-request.ts';
import type { EncryptionService } from './encryption-service.ts';

/** A refused change is the caller's to fix: 409 with the error's code, message and hint. */
async function answer(fn: () => Promise<unknown>) {
  try {
    return json(200, await fn());
  } catch (err) {
    if (isRfoError(err)) return json(409, { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
}

export function encryptionRoutes(e: EncryptionService): Record<string, ServerRoute> {
  return {
    'GET /v1-rfo/encrypt/status': () => answer(() => e.status()),
    'GET /v1-rfo/encrypt/local': () => answer(() => e.localState()),
    'PUT /v1-rfo/encrypt/sync': () => answer(() => e.sync()),
    'PUT /v1-rfo/encrypt/config': async (req) => {
      const parsed = parseEncryptRequest(req.body);
      if (!parsed.ok) return text(400, `${parsed.error}\n`);
      return answer(async () => ({ message: await e.change(parsed.request) }));
    },
  };
}
