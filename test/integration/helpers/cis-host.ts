// The host state that `profile: cis` needs is global (kernel parameters, the
// etcd account). Tests that prepare it record it first and put it back after,
// so the CI machine is left as it was.

import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../../src/util/exec.ts';
import { cisSysctls, parseAccounts, sysctlPath } from '../../../src/host/plan-cis-host.ts';

export const hostAccounts = async () => ({
  users: parseAccounts(await readFile('/etc/passwd', 'utf8'), 'passwd'),
  groups: parseAccounts(await readFile('/etc/group', 'utf8'), 'group'),
});

export const readSysctl = async (key: string): Promise<string> => (await readFile(sysctlPath(key), 'utf8')).trim();

export interface CisHostRecord {
  /** The profile's kernel parameters as found. */
  readonly sysctls: Readonly<Record<string, string>>;
  readonly etcdAccountExisted: boolean;
  /** Writes the parameters back and removes the etcd account if it was not there. */
  restore(): Promise<void>;
}

export async function recordCisHost(): Promise<CisHostRecord> {
  const sysctls: Record<string, string> = {};
  for (const s of cisSysctls) sysctls[s.key] = await readSysctl(s.key);
  const a = await hostAccounts();
  const etcdAccountExisted = a.users.some((u) => u.name === 'etcd') || a.groups.some((g) => g.name === 'etcd');
  return {
    sysctls,
    etcdAccountExisted,
    restore: async () => {
      for (const [key, value] of Object.entries(sysctls)) {
        if ((await readSysctl(key)) !== value) await writeFile(sysctlPath(key), value);
      }
      if (etcdAccountExisted) return;
      if ((await hostAccounts()).users.some((u) => u.name === 'etcd')) await run({ cmd: 'userdel', args: ['etcd'] });
      if ((await hostAccounts()).groups.some((g) => g.name === 'etcd')) await run({ cmd: 'groupdel', args: ['etcd'] });
    },
  };
}
