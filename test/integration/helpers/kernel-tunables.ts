// A kubelet without protectKernelDefaults (every default-profile node) writes
// these host-global kernel parameters to the values it wants
// (pkg/kubelet/cm/container_manager_linux.go, setupKernelTunables): on a real
// host that is what running a kubelet does. The integration run starts dozens
// of kubelets on the CI machine, so it records them first and writes back what
// it found when it ends, leaving the machine as it was.

import { writeFile } from 'node:fs/promises';
import { sysctlPath } from '../../../src/host/plan-cis-host.ts';
import { readSysctl } from './cis-host.ts';

export const kubeletKernelTunables = ['vm.overcommit_memory', 'vm.panic_on_oom', 'kernel.panic', 'kernel.panic_on_oops', 'kernel.keys.root_maxkeys', 'kernel.keys.root_maxbytes'] as const;

/** Reads the parameters now; the returned function writes back each one that changed, and names them. */
export async function recordKernelTunables(): Promise<() => Promise<string[]>> {
  const found = new Map<string, string>();
  for (const key of kubeletKernelTunables) {
    const value = await readSysctl(key).catch(() => undefined);
    if (value !== undefined) found.set(key, value);
  }
  return async () => {
    const restored: string[] = [];
    for (const [key, value] of found) {
      const now = await readSysctl(key);
      if (now === value) continue;
      await writeFile(sysctlPath(key), value);
      restored.push(`${key} ${now} -> ${value}`);
    }
    return restored;
  };
}
