import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conformanceResultsName } from './results-name.ts';

test('each kind of conformance run has its own results directory, so a subset never overwrites the full suite', () => {
  assert.equal(conformanceResultsName({}), 'full');
  assert.equal(conformanceResultsName({ profile: 'cis' }), 'full-cis');
  assert.equal(conformanceResultsName({ subset: 'ci' }), 'subset-ci');
  assert.equal(conformanceResultsName({ subset: 'ci', profile: 'cis' }), 'subset-ci-cis');
  assert.equal(conformanceResultsName({ focus: 'DNS' }), 'focus');
  assert.equal(conformanceResultsName({ skip: 'Serial' }), 'focus', 'a skip makes it partial too');
});
