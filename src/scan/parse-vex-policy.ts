// Pure: security/vex.yaml, the reviewed list of vulnerabilities that stay in
// what rfo ships. Each entry says, in OpenVEX terms, why it stays (status
// and justification), who may rely on that (impact), and until when: an
// expired entry no longer justifies anything, so every exception is
// reviewed again.

import { parse } from 'yaml';
import { RfoError } from '../errors.ts';

/** OpenVEX v0.2.0 status justifications (for status not_affected). */
export const vexJustifications = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type VexJustification = (typeof vexJustifications)[number];

export interface PolicyEntry {
  /** The Go vulnerability database ID (GO-YYYY-NNNN). */
  readonly id: string;
  /** Artifacts (binary names) it applies to; undefined = every artifact. */
  readonly artifacts?: readonly string[];
  /** Modules it applies to; undefined = whatever module the finding names. */
  readonly modules?: readonly string[];
  /** not_affected (with a justification) or affected (acknowledged, with an action). */
  readonly status: 'not_affected' | 'affected';
  readonly justification?: VexJustification;
  /** Why: becomes the OpenVEX impact_statement (or action_statement for affected). */
  readonly impact: string;
  /** YYYY-MM-DD; from that day on the entry no longer counts. */
  readonly expires: string;
}

export interface Policy {
  readonly entries: readonly PolicyEntry[];
}

function bad(source: string, message: string): RfoError {
  return new RfoError('RFO_CONFIG_INVALID', `${source}: ${message}`, {
    hint: 'each entry needs id (GO-YYYY-NNNN), status (not_affected with an OpenVEX justification, or affected), impact and expires (YYYY-MM-DD); see security/README.md',
  });
}

function stringList(v: unknown, source: string, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string') || v.length === 0) throw bad(source, `${what} must be a non-empty list of strings`);
  return v as string[];
}

export function parsePolicy(text: string, source = 'security/vex.yaml'): Policy {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw bad(source, `not valid YAML: ${(err as Error).message}`);
  }
  const list = (doc as { vulnerabilities?: unknown } | null)?.vulnerabilities ?? [];
  if (!Array.isArray(list)) throw bad(source, '"vulnerabilities" must be a list');
  const entries: PolicyEntry[] = [];
  list.forEach((raw: unknown, i) => {
    const where = `entry ${i + 1}`;
    if (raw === null || typeof raw !== 'object') throw bad(source, `${where} is not a mapping`);
    const e = raw as Record<string, unknown>;
    const id = e.id;
    if (typeof id !== 'string' || !/^GO-\d{4}-\d{4,}$/.test(id)) throw bad(source, `${where}: id must be a Go vulnerability ID like GO-2026-1234`);
    const status = e.status;
    if (status !== 'not_affected' && status !== 'affected') throw bad(source, `${id}: status must be not_affected or affected`);
    const justification = e.justification;
    if (status === 'not_affected' && !vexJustifications.includes(justification as VexJustification)) {
      throw bad(source, `${id}: not_affected needs a justification, one of ${vexJustifications.join(', ')}`);
    }
    if (typeof e.impact !== 'string' || e.impact.trim().length < 20) throw bad(source, `${id}: impact must say why, in a sentence or more`);
    // YAML reads an unquoted 2027-03-31 as a date.
    const expires = e.expires instanceof Date ? e.expires.toISOString().slice(0, 10) : e.expires;
    if (typeof expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires))) throw bad(source, `${id}: expires must be a date (YYYY-MM-DD)`);
    const artifacts = stringList(e.artifacts, source, `${id}: artifacts`);
    const modules = stringList(e.modules, source, `${id}: modules`);
    entries.push({
      id,
      status,
      ...(status === 'not_affected' ? { justification: justification as VexJustification } : {}),
      impact: e.impact.trim(),
      expires,
      ...(artifacts ? { artifacts } : {}),
      ...(modules ? { modules } : {}),
    });
  });
  return { entries };
}
