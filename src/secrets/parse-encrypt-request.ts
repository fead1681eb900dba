// Pure: the body of PUT /v1-rfo/encrypt/config, RKE2's wire format
// ({stage?, enable?, force, skip}); anything else is refused by field.

export const requestStages = ['prepare', 'rotate', 'rotate_keys', 'reencrypt_active'] as const;
export type RequestStage = (typeof requestStages)[number];

export type EncryptRequest =
  | { readonly op: 'stage'; readonly stage: RequestStage; readonly force: boolean; readonly skip: boolean }
  | { readonly op: 'toggle'; readonly enable: boolean; readonly force: boolean };

export function parseEncryptRequest(body: string | undefined): { ok: true; request: EncryptRequest } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(body ?? '');
  } catch {
    return { ok: false, error: 'the body is not JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, error: 'the body is not a JSON object' };
  const d = doc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !['stage', 'enable', 'force', 'skip'].includes(k));
  if (unknown.length > 0) return { ok: false, error: `unknown field(s): ${unknown.join(', ')}` };
  for (const k of ['enable', 'force', 'skip']) if (d[k] !== undefined && typeof d[k] !== 'boolean') return { ok: false, error: `${k} must be true or false` };
  const force = d.force === true;
  if (d.stage !== undefined && d.enable !== undefined) return { ok: false, error: 'give either stage or enable, not both' };
  if (typeof d.enable === 'boolean') return { ok: true, request: { op: 'toggle', enable: d.enable, force } };
  if (!(requestStages as readonly unknown[]).includes(d.stage)) return { ok: false, error: `stage must be one of ${requestStages.join(', ')}` };
  return { ok: true, request: { op: 'stage', stage: d.stage as RequestStage, force, skip: d.skip === true } };
}
