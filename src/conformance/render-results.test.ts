import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderProductYaml, renderSummary, runFailed } from './render-results.ts';
import type { JunitSummary } from './parse-junit.ts';

const junit: JunitSummary = {
  specs: [
    { name: 'a [Conformance]', status: 'passed', seconds: 1 },
    { name: 'b [Conformance]', status: 'failed', seconds: 2, message: 'boom' },
  ],
  passed: 1,
  failed: 1,
  skipped: 7000,
  suiteFailures: [],
};

test('PRODUCT.yaml has the fields the CNCF instructions ask for', () => {
  const y = parse(renderProductYaml({ version: 'v1.36.3+rfor1' })) as Record<string, string>;
  for (const k of ['vendor', 'name', 'version', 'website_url', 'documentation_url', 'type', 'description']) assert.ok(k in y, k);
  assert.equal(y.version, 'v1.36.3+rfor1');
});

test('summary.json counts and names failures, and says it is not a submission', () => {
  const s = JSON.parse(renderSummary({ version: 'v', minor: '1.36', profile: 'default', selection: 'ci', startedAt: 't', durationSeconds: 61.4, junit, ginkgoExit: 1, images: [], imagesNotBuilt: [] })) as Record<string, unknown>;
  assert.equal(s.passed, 1);
  assert.equal(s.failed, 1);
  assert.equal(s.ran, 2);
  assert.equal(s.durationSeconds, 61);
  assert.deepEqual(s.failures, [{ name: 'b [Conformance]', seconds: 2, message: 'boom' }]);
  assert.match(String(s.note), /not a CNCF submission/);
});

test('runFailed', () => {
  assert.equal(runFailed(junit, 1), true);
  assert.equal(runFailed({ ...junit, failed: 0, specs: [] }, 0), false);
  assert.equal(runFailed({ ...junit, failed: 0, passed: 0, specs: [] }, 1), true, 'ginkgo failed before any spec');
  assert.equal(runFailed({ ...junit, failed: 0, suiteFailures: ['[SynchronizedBeforeSuite]'] }, 1), true);
});
