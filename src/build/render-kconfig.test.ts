import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderKconfig } from './render-kconfig.ts';

const config = '#\n# Busybox version: 1.37.0\n#\n# CONFIG_STATIC is not set\nCONFIG_TC=y\nCONFIG_FEATURE_SH_STANDALONE=y\n';

test('sets an unset option and clears a set one, in place', () => {
  const out = renderKconfig(config, { CONFIG_STATIC: 'y', CONFIG_FEATURE_SH_STANDALONE: 'n' });
  assert.equal(out, '#\n# Busybox version: 1.37.0\n#\nCONFIG_STATIC=y\nCONFIG_TC=y\n# CONFIG_FEATURE_SH_STANDALONE is not set\n');
});

test('an option the config does not have, or a malformed name, is refused', () => {
  assert.throws(() => renderKconfig(config, { CONFIG_NOPE: 'y' }), /CONFIG_NOPE is not an option/);
  assert.throws(() => renderKconfig(config, { 'STATIC; rm -rf': 'y' }), /not a kconfig option name/);
  // A prefix of another option does not match it.
  assert.throws(() => renderKconfig(config, { CONFIG_T: 'y' }), /CONFIG_T is not an option/);
});
