// Preflight of the network policy engine on a server: the kernel must offer
// what the engine's rules use, else the add-on would run and enforce nothing
// (K3s' kube-router "silently skips starting the network policy controller"
// without ipset). Agents are checked by the pods themselves (go/kube-router).

import { RfoError } from '../errors.ts';
import { readKernelFeatures } from '../host/kernel-features.ts';
import { checkKernel, describeMissing } from '../host/plan-kernel-check.ts';

export async function preflightNetworkPolicy(engine: 'kube-router' | 'none', log: (m: string) => void): Promise<void> {
  if (engine === 'none') return;
  const kernel = await readKernelFeatures();
  const check = checkKernel(engine, kernel);
  if (check.missing.length > 0) {
    throw new RfoError('RFO_KERNEL_UNSUPPORTED', describeMissing(engine, kernel.release, check.missing), {
      hint: `load the modules (modprobe ${check.missing.map((m) => m.module).join(' ')}) or use a kernel built with them; or set network-policy: none (NetworkPolicies are then not enforced)`,
    });
  }
  if (check.unknown.length > 0) {
    log(`WARNING: network-policy: cannot tell whether kernel ${kernel.release} has ${check.unknown.map((m) => m.option).join(', ')} (no kernel config or module lists readable); the rfo-network-policy pods report it if not`);
  }
}
