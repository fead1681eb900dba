import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from './parse-vex-policy.ts';

test('entries carry OpenVEX status and justification, an impact and an expiry date', () => {
  const p = parsePolicy(`
vulnerabilities:
  - id: GO-2026-5932
    artifacts: [kubernetes]
    modules: [golang.org/x/crypto]
    status: not_affected
    justification: vulnerable_code_not_present
    impact: "openpgp is deprecated, not linked: the advisory's fix removes the package."
    expires: 2027-03-31
`);
  assert.deepEqual(p.entries, [
    { id: 'GO-2026-5932', status: 'not_affected', justification: 'vulnerable_code_not_present', impact: "openpgp is deprecated, not linked: the advisory's fix removes the package.", expires: '2027-03-31', artifacts: ['kubernetes'], modules: ['golang.org/x/crypto'] },
  ]);
});

test('an empty policy is valid; bad entries are refused with the field named', () => {
  assert.deepEqual(parsePolicy('vulnerabilities: []').entries, []);
  assert.deepEqual(parsePolicy('').entries, []);
  const base = 'vulnerabilities:\n  - id: GO-2026-1\n    status: not_affected\n    impact: long enough impact statement here\n    expires: 2027-01-01\n';
  assert.throws(() => parsePolicy(base), /id must be a Go vulnerability ID/);
  assert.throws(() => parsePolicy(base.replace('GO-2026-1', 'GO-2026-0001')), /needs a justification/);
  assert.throws(() => parsePolicy(base.replace('GO-2026-1', 'GO-2026-0001').replace('status: not_affected', 'status: affected').replace('2027-01-01', 'soon')), /expires must be a date/);
  assert.throws(() => parsePolicy(base.replace('GO-2026-1', 'GO-2026-0001').replace('status: not_affected', 'status: fixed')), /status must be/);
});
