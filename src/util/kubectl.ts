// rfo's own kubectl calls (manifests, node labels, node passwords, snapshot
// objects, readiness). kubectl keeps a discovery cache under $HOME/.kube; a
// systemd service has no HOME, and kubectl then writes .kube/cache into its
// working directory (/ for a unit). rfo gives it a cache dir beside the
// kubeconfig it uses, inside rfo's data dir.

import { dirname, join } from 'node:path';
import { run } from './exec.ts';
import type { ExecResult } from './exec.ts';

export type Kubectl = (args: readonly string[], input?: string) => Promise<ExecResult>;

export function kubectlFor(binDir: string, kubeconfig: string): Kubectl {
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', join(dirname(kubeconfig), 'kubectl-cache')];
  return (args, input) => run({ cmd: join(binDir, 'kubectl'), args: [...base, ...args], ...(input !== undefined ? { input } : {}) });
}
