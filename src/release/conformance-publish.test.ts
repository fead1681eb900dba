import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planConformancePublish } from './conformance-publish.ts';
import type { FoundResults } from './conformance-publish.ts';

const v = 'v1.36.3+rfor1';
const files = ['e2e.log', 'junit_01.xml', 'PRODUCT.yaml', 'summary.json'];
const run = (name: string, summary: Record<string, unknown>, f = files): FoundResults => ({ name, files: f, summaryText: JSON.stringify(summary) });
const ok = { version: v, passed: 446, failed: 0, ran: 446, durationSeconds: 3120, profile: 'default' };

test('a release publishes the whole-suite and CI-subset runs of its own version, with one line each', () => {
  const p = planConformancePublish(v, [run('subset-ci', { ...ok, passed: 28, ran: 28, durationSeconds: 110 }), run('full', ok), run('full-cis', { ...ok, profile: 'cis' })]);
  assert.deepEqual(p.publish, [
    { name: 'full', line: 'full: 446/446 passed, 0 failed (default profile, 52 min)' },
    { name: 'full-cis', line: 'full-cis: 446/446 passed, 0 failed (cis profile, 52 min)' },
    { name: 'subset-ci', line: 'subset-ci: 28/28 passed, 0 failed (default profile, 2 min)' },
  ]);
  assert.deepEqual(p.skipped, []);
  assert.equal(p.warning, undefined);
});

test('focused, foreign, incomplete or unreadable results are not published, each with its reason; no full run is warned about', () => {
  const p = planConformancePublish(v, [
    run('focus', ok),
    run('full', { ...ok, version: 'v1.35.4+rfor1' }),
    run('full-cis', ok, files.filter((f) => f !== 'junit_01.xml')),
    { name: 'subset-ci', files, summaryText: '{not json' },
    run('subset-ci-cis', { version: v }),
  ]);
  assert.deepEqual(p.publish, []);
  assert.deepEqual(
    p.skipped.map((s) => [s.name, s.reason.split(':')[0]]),
    [
      ['focus', 'not a whole-suite or CI-subset run (published'],
      ['full', 'summary.json is of v1.35.4+rfor1, not v1.36.3+rfor1'],
      ['full-cis', 'incomplete'],
      ['subset-ci', 'summary.json is not JSON'],
      ['subset-ci-cis', 'summary.json has no passed/failed/ran counts'],
    ],
  );
  assert.match(p.warning ?? '', /no whole-suite conformance run of v1\.36\.3\+rfor1/);
});

test('a failing run is still published as it is: the counts say so', () => {
  const p = planConformancePublish(v, [run('full', { ...ok, passed: 444, failed: 2 })]);
  assert.equal(p.publish[0]?.line, 'full: 444/446 passed, 2 failed (default profile, 52 min)');
});
