// An agent's certificate check (cert-renewal.ts): its certificates come from
// a server through the join API, as at start (the node password proves the
// name; the server issues under its CAs), so renewal is the same request:
// fetch the expiring ones from any server, write them, rewrite the kubeconfigs
// that embed them, and restart only kubelet, kube-proxy or flanneld as affected.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeCertKinds } from '../api/handlers.ts';
import type { NodeCertKind } from '../api/handlers.ts';
import { planRenewals } from '../pki/plan-renewal.ts';
import { readCertExpiries, readNotAfter } from '../pki/read-cert-expiry.ts';
import type { CertFileRef } from '../pki/read-cert-expiry.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { postNodeWarning } from '../kube/node-events.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { CertCheck } from './cert-renewal.ts';
import { kubeletCertFiles } from './server-cert-check.ts';

/** The kubeconfigs an agent writes, and the certificate each embeds. */
export const agentKubeconfigs: Readonly<Record<string, NodeCertKind>> = {
  'kubelet.kubeconfig': 'client-kubelet',
  'kubeproxy.kubeconfig': 'client-kube-proxy',
  'flannel.kubeconfig': 'client-flannel',
};

export interface AgentCertCheckInput {
  readonly agentDir: string;
  readonly kubeletDir: string;
  readonly nodeName: string;
  /** Certificate and key (PEM, concatenated) from a server, as at join. */
  readonly fetch: (kind: NodeCertKind) => Promise<string>;
  /** The apiserver address the kubeconfigs name (the local load balancer) and the CA they trust. */
  readonly apiserver: string;
  readonly caPem: string;
  readonly restart: (component: string) => Promise<void>;
  readonly running: ReadonlySet<string>;
}

/** Split what /v1-rfo/<kind>.crt returns: the certificate, then its key. */
export function splitCertAndKey(pem: string): { cert: string; key: string } {
  const at = pem.indexOf('-----BEGIN PRIVATE KEY-----');
  return at < 0 ? { cert: pem, key: '' } : { cert: pem.slice(0, at), key: pem.slice(at) };
}

export function agentCertFiles(agentDir: string, kubeletDir: string): CertFileRef[] {
  return [...[...nodeCertKinds, 'server-ca', 'client-ca'].map((k) => ({ name: `${k}.crt`, path: join(agentDir, `${k}.crt`) })), ...kubeletCertFiles(kubeletDir)];
}

export function agentCertCheck(i: AgentCertCheckInput): CertCheck {
  return {
    running: i.running,
    async renew(now) {
      const onDisk = await Promise.all(nodeCertKinds.map(async (file) => ({ file, notAfter: await readNotAfter(join(i.agentDir, `${file}.crt`)) })));
      const due = planRenewals(onDisk, now) as NodeCertKind[];
      // All fetched before any is written, as at join: a refusal leaves the old set intact.
      const fresh: [NodeCertKind, { cert: string; key: string }][] = [];
      for (const kind of due) {
        const pair = splitCertAndKey(await i.fetch(kind));
        if (!pair.key || !pair.cert.includes('BEGIN CERTIFICATE')) throw new Error(`the server sent no certificate and key for ${kind}`);
        fresh.push([kind, pair]);
      }
      for (const [kind, pair] of fresh) {
        await writeFileAtomic(join(i.agentDir, `${kind}.key`), pair.key, 0o600);
        await writeFileAtomic(join(i.agentDir, `${kind}.crt`), pair.cert, 0o644);
      }
      return due;
    },
    expiries: () => readCertExpiries(agentCertFiles(i.agentDir, i.kubeletDir)),
    async rewriteKubeconfigs(names) {
      for (const name of names) {
        const kind = agentKubeconfigs[name];
        if (!kind) continue;
        const [certPem, keyPem] = await Promise.all([readFile(join(i.agentDir, `${kind}.crt`), 'utf8'), readFile(join(i.agentDir, `${kind}.key`), 'utf8')]);
        await writeFileAtomic(join(i.agentDir, name), renderKubeconfig({ server: i.apiserver, caPem: i.caPem, certPem, keyPem }), 0o600);
      }
    },
    // Agents serve no supervisor API and run no client of rfo's own that a renewal changes.
    reload: () => Promise.resolve(),
    restart: i.restart,
    async warn(w) {
      // The kubelet's credential: nodes may record Events about themselves.
      const client = await KubeClient.fromKubeconfig(join(i.agentDir, 'kubelet.kubeconfig'));
      try {
        await postNodeWarning(client, i.nodeName, 'CertificateExpirationWarning', w.message);
      } finally {
        client.close();
      }
    },
  };
}
