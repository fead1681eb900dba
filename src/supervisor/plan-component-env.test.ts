import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planComponentEnv } from './plan-component-env.ts';

test("components do not inherit rfo's secrets, settings or systemd's notify socket; PATH, proxies and the marker stay", () => {
  const env = planComponentEnv(
    {
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      NO_PROXY: '10.0.0.0/8',
      TZ: 'UTC',
      RFO_TOKEN: 'K10abc::server:secret',
      RFO_AGENT_TOKEN: 'K10abc::node:secret2',
      RFO_TOKEN_FILE: '/etc/token',
      RFO_DEBUG: 'true',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'shh',
      AWS_SESSION_TOKEN: 'tok',
      NOTIFY_SOCKET: '/run/systemd/notify',
      RFO_MANAGED: '/run/someone-else',
      UNSET: undefined,
    },
    { CONTAINERD_X: '1' },
    '/run/rfo',
  );
  assert.deepEqual(env, { PATH: '/usr/bin', HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8', TZ: 'UTC', CONTAINERD_X: '1', RFO_MANAGED: '/run/rfo' });
  assert.ok(!JSON.stringify(env).includes('secret'));
});
