import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planGoRuntimeEnv } from './go-runtime-env.ts';

test('Go components get GOGC=50 unless the operator says otherwise', () => {
  assert.deepEqual(planGoRuntimeEnv(), { GOGC: '50' });
  assert.deepEqual(planGoRuntimeEnv(['GOGC=100', 'GOMEMLIMIT=300MiB', 'GODEBUG=a=1,b=2']), { GOGC: '100', GOMEMLIMIT: '300MiB', GODEBUG: 'a=1,b=2' });
});

test('kube-apiserver and kube-controller-manager get GOGC=25 (their big, long-lived heaps); the operator still wins', () => {
  assert.deepEqual(planGoRuntimeEnv([], 'kube-apiserver'), { GOGC: '25' });
  assert.deepEqual(planGoRuntimeEnv([], 'kube-controller-manager'), { GOGC: '25' });
  assert.deepEqual(planGoRuntimeEnv([], 'kube-scheduler'), { GOGC: '50' });
  assert.deepEqual(planGoRuntimeEnv(['GOGC=100'], 'kube-apiserver'), { GOGC: '100' });
});
