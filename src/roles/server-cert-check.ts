// A server's certificate check (cert-renewal.ts): its PKI in server/tls is
// renewed by applyPki, the same code as at start (same CAs, same keys, leaves
// with fewer than 90 days left); the kubeconfigs are written again; the
// supervisor listener takes its new certificate with setSecureContext; rfo's
// own API client reads the new admin kubeconfig. The kubelet's own rotated pair
// (<kubelet-dir>/pki) is watched for expiry too, but kubelet renews it itself.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyPki } from '../pki/apply-pki.ts';
import type { CertSpec } from '../pki/specs.ts';
import { readCertExpiries } from '../pki/read-cert-expiry.ts';
import type { CertFileRef } from '../pki/read-cert-expiry.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { postNodeWarning } from '../kube/node-events.ts';
import type { CertCheck } from './cert-renewal.ts';
import type { ServerSettings } from './prepare-node.ts';
import { writeKubeconfigs } from './server-credentials.ts';

/** kubelet's rotated certificates (rotateCertificates, serverTLSBootstrap), in its --root-dir. */
export function kubeletCertFiles(kubeletDir: string): CertFileRef[] {
  return ['kubelet-client-current.pem', 'kubelet-server-current.pem'].map((name) => ({ name, path: join(kubeletDir, 'pki', name) }));
}

/** Every certificate a server manages, named by file (the metric's name label). */
export function serverCertFiles(tlsDir: string, specs: readonly CertSpec[], kubeletDir: string): CertFileRef[] {
  return [...specs.map((spec) => ({ name: `${spec.file}.crt`, path: join(tlsDir, `${spec.file}.crt`) })), ...kubeletCertFiles(kubeletDir)];
}

export interface ServerCertCheckInput {
  readonly s: ServerSettings;
  readonly specs: readonly CertSpec[];
  readonly httpsPort: number;
  readonly adminClient: () => Promise<KubeClient>;
  /** Give the 9345 listener a new certificate (setSecureContext). */
  readonly reloadSupervisor: (certPem: string, keyPem: string) => void;
  readonly restart: (component: string) => Promise<void>;
  readonly running: ReadonlySet<string>;
}

export function serverCertCheck(i: ServerCertCheckInput): CertCheck {
  const tlsDir = i.s.paths.server.tlsDir;
  const byId = new Map(i.specs.map((spec) => [spec.id, spec]));
  return {
    running: i.running,
    async renew(now) {
      const { actions } = await applyPki(tlsDir, i.specs, now);
      // An expiring CA is reported as 'renew' but never replaced (plan.ts): the warnings name it.
      return actions.flatMap((a) => {
        const spec = byId.get(a.id);
        return spec?.kind === 'leaf' && a.action !== 'keep' ? [spec.file] : [];
      });
    },
    expiries: () => readCertExpiries(serverCertFiles(tlsDir, i.specs, i.s.paths.kubeletDir)),
    async rewriteKubeconfigs() {
      // All of them, from the files: the ones whose certificate did not change come out the same.
      await writeKubeconfigs(i.s, i.httpsPort);
    },
    async reload(what) {
      if (what === 'supervisor-listener') {
        i.reloadSupervisor(await readFile(join(tlsDir, 'serving-supervisor.crt'), 'utf8'), await readFile(join(tlsDir, 'serving-supervisor.key'), 'utf8'));
      } else {
        await (await i.adminClient()).reload();
      }
    },
    restart: i.restart,
    async warn(w) {
      await postNodeWarning(await i.adminClient(), i.s.nodeName, 'CertificateExpirationWarning', w.message);
    },
  };
}
