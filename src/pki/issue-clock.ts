// The time rfo issues certificates at. TEST ONLY: RFO_TEST_CERT_ISSUE_OFFSET_DAYS
// (a whole number of days, e.g. -400) moves it, so a test can give a real
// server or agent leaves that are already expired (a node powered off for a
// year) and then watch an ordinary start renew them. It shifts issuing and the
// renew decision of that start only; nothing else in rfo reads the variable.
// Never set it on a real node: everything issued with it expires early (or late).

import { RfoError } from '../errors.ts';

export const issueOffsetVariable = 'RFO_TEST_CERT_ISSUE_OFFSET_DAYS';

const dayMs = 24 * 60 * 60 * 1000;

/** The offset in days (0 when unset). */
export function certIssueOffsetDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[issueOffsetVariable];
  if (raw === undefined || raw === '') return 0;
  if (!/^[+-]?\d{1,5}$/.test(raw.trim())) {
    throw new RfoError('RFO_CONFIG_INVALID', `${issueOffsetVariable}=${raw} is not a whole number of days`, { hint: `it is for tests only: unset ${issueOffsetVariable}` });
  }
  return Number(raw.trim());
}

export function certIssueTime(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Date {
  return new Date(now.getTime() + certIssueOffsetDays(env) * dayMs);
}
