import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLogRotation } from './resolve-log-rotation.ts';
import { resolveConfig } from '../config/resolve-config.ts';

test('component log rotation defaults to 50 MiB x 5 files and is configurable', () => {
  const resolved = resolveConfig({ command: 'agent', args: [], env: {}, files: [] });
  assert.ok(resolved.ok);
  assert.deepEqual(resolveLogRotation(resolved.options.values), { maxBytes: 50 * 1024 * 1024, maxFiles: 5 });
  const set = resolveConfig({ command: 'server', args: ['--component-log-max-size', '10'], env: { RFO_COMPONENT_LOG_MAX_FILES: '3' }, files: [] });
  assert.ok(set.ok);
  assert.deepEqual(resolveLogRotation(set.options.values), { maxBytes: 10 * 1024 * 1024, maxFiles: 3 });
});

test('a size of 0 or fewer than 2 files is refused with the key named', () => {
  assert.throws(() => resolveLogRotation({ 'component-log-max-size': 0, 'component-log-max-files': 5 }), /RFO_CONFIG_INVALID|component-log-max-size must be at least 1/);
  assert.throws(() => resolveLogRotation({ 'component-log-max-size': 50, 'component-log-max-files': 1 }), /component-log-max-files must be at least 2/);
});
