// The cis profile's host side: read the kernel parameters and the etcd
// account (plan-cis-host.ts decides), refuse an unprepared host naming each
// fix, and carry out `rfo cis prepare`.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RfoError } from '../errors.ts';
import { run } from '../util/exec.ts';
import { cisSysctls, parseAccounts, planCisHostCheck, planCisPrepare, sysctlPath } from './plan-cis-host.ts';
import type { CisHostFacts, CisPrepareAction } from './plan-cis-host.ts';

export async function readCisHostFacts(): Promise<CisHostFacts> {
  const sysctls: Record<string, string | undefined> = {};
  for (const s of cisSysctls) sysctls[s.key] = await readFile(sysctlPath(s.key), 'utf8').then((v) => v.trim(), () => undefined);
  const [passwd, group] = await Promise.all([readFile('/etc/passwd', 'utf8').catch(() => ''), readFile('/etc/group', 'utf8').catch(() => '')]);
  return { sysctls, users: parseAccounts(passwd, 'passwd'), groups: parseAccounts(group, 'group') };
}

/** Refuses, before rfo writes anything, a host the cis profile cannot run on; the message names every item and its fix. */
export function requireCisHost(role: 'server' | 'agent', facts: CisHostFacts): void {
  const issues = planCisHostCheck(role, facts);
  if (issues.length === 0) return;
  throw new RfoError('RFO_HOST_NOT_PREPARED', `profile: cis: this host is not prepared (nothing was written):\n${issues.map((i) => `  - ${i.what}; fix: ${i.fix}`).join('\n')}`, {
    hint: 'run `rfo cis prepare` once (writes /etc/sysctl.d/90-rfo-cis.conf, applies it and creates the etcd user and group), then start rfo again',
  });
}

/** `rfo cis prepare`: carry out the plan; returns what it did (empty: the host was prepared already). */
export async function prepareCisHost(sysctlConf: string, log: (m: string) => void): Promise<CisPrepareAction[]> {
  const facts = await readCisHostFacts();
  const currentConf = await readFile(sysctlConf, 'utf8').catch(() => undefined);
  const actions = planCisPrepare({ ...facts, sysctlConf, currentConf });
  for (const a of actions) {
    switch (a.kind) {
      case 'write-sysctl-conf':
        await mkdir(dirname(a.path), { recursive: true });
        await writeFile(a.path, a.content, { mode: 0o644 });
        log(`wrote ${a.path}${a.path.startsWith('/etc/sysctl.d/') ? ' (systemd-sysctl applies it at every boot)' : ' (outside /etc/sysctl.d: not applied at boot unless you load it)'}`);
        break;
      case 'set-sysctl':
        // What `sysctl -p <file>` does, without needing procps.
        await writeFile(sysctlPath(a.key), a.to).catch((err: unknown) => {
          throw new RfoError('RFO_HOST_NOT_PREPARED', `could not set ${a.key}=${a.to}: ${(err as Error).message}`, { hint: 'run rfo cis prepare as root on the host (not in a container without /proc/sys write access)' });
        });
        log(`${a.key}: ${a.from ?? '(missing)'} -> ${a.to}`);
        break;
      case 'run': {
        const r = await run({ cmd: a.cmd, args: a.args, purpose: 'creating the etcd account' });
        if (r.code !== 0) throw new RfoError('RFO_HOST_NOT_PREPARED', `${a.cmd} ${a.args.join(' ')} failed: ${r.stderr.trim()}`, { hint: 'create the etcd user and group by hand (see README "CIS hardened profile")' });
        log(`${a.cmd} ${a.args.join(' ')}`);
        break;
      }
    }
  }
  return actions;
}
