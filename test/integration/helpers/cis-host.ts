// The host state that `profile: cis` needs is global (kernel parameters, the
// etcd account). Tests that prepare it record it first (with rfo's own reader,
// readCisHostFacts) and put it back after, so the CI machine is left as it was.

import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../../src/util/exec.ts';
import { readCisHostFacts } from '../../../src/host/cis-host.ts';
import { sysctlPath } from '../../../src/host/plan-cis-host.ts';

export const hostAccounts = async () => {
  const { users, groups } = await readCisHostFacts();
  return { users, groups };
};

export const readSysctl = async (key: string): Promise<string> => (await readFile(sysctlPath(key), 'utf8')).trim();

export interface CisHostRecord {
  /** The profile's kernel parameters as found. */
  readonly sysctls: Readonly<Record<string, string | undefined>>;
  readonly etcdAccountExisted: boolean;
  /** Writes the parameters back and removes the etcd account if it was not there. */
  restore(): Promise<void>;
}

export async function recordCisHost(): Promise<CisHostRecord> {
  const found = await readCisHostFacts();
  const etcdAccountExisted = found.users.some((u) => u.name === 'etcd') || found.groups.some((g) => g.name === 'etcd');
  return {
    sysctls: found.sysctls,
    etcdAccountExisted,
    restore: async () => {
      const now = await readCisHostFacts();
      for (const [key, value] of Object.entries(found.sysctls)) {
        if (value !== undefined && now.sysctls[key] !== value) await writeFile(sysctlPath(key), value);
      }
      if (etcdAccountExisted) return;
      if (now.users.some((u) => u.name === 'etcd')) await run({ cmd: 'userdel', args: ['etcd'] });
      if ((await hostAccounts()).groups.some((g) => g.name === 'etcd')) await run({ cmd: 'groupdel', args: ['etcd'] });
    },
  };
}
