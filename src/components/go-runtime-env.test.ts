import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGoRuntimeEnv } from './go-runtime-env.ts';

test('Go components get GOGC=25 unless the operator says otherwise', () => {
  assert.deepEqual(planGoRuntimeEnv(), { GOGC: '25' });
  assert.deepEqual(planGoRuntimeEnv(['GOGC=100', 'GOMEMLIMIT=300MiB', 'GODEBUG=a=1,b=2']), { GOGC: '100', GOMEMLIMIT: '300MiB', GODEBUG: 'a=1,b=2' });
});
