import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderUnit } from './render-units.ts';
import { run } from '../util/exec.ts';

test('units follow RKE2: notify, process kill mode, delegation, restart always, env files', () => {
  const unit = renderUnit('server');
  for (const line of ['Type=notify', 'KillMode=process', 'Delegate=yes', 'Restart=always', 'LimitNOFILE=1048576', 'EnvironmentFile=-/etc/default/%N', 'EnvironmentFile=-/etc/sysconfig/%N', 'ExecStart=/usr/local/bin/rfo server', 'Conflicts=rfo-agent.service', 'ExecStartPre=-/sbin/modprobe br_netfilter']) {
    assert.ok(unit.split('\n').includes(line), line);
  }
  assert.ok(renderUnit('agent', '/opt/rfo').includes('ExecStart=/opt/rfo/bin/rfo agent'));
});

test('systemd-analyze verify accepts both units', async () => {
  const root = await mkdtemp(join(tmpdir(), 'rfo-units-'));
  try {
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'bin', 'rfo'), '#!/bin/sh\n');
    await chmod(join(root, 'bin', 'rfo'), 0o755);
    for (const role of ['server', 'agent'] as const) {
      const path = join(root, `rfo-${role}.service`);
      await writeFile(path, renderUnit(role, root));
      const r = await run({ cmd: 'systemd-analyze', args: ['verify', path] });
      const problems = (r.stderr + r.stdout).split('\n').filter((l) => l.includes(`rfo-${role}.service`));
      assert.deepEqual(problems, [], `systemd-analyze found problems:\n${r.stderr}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
