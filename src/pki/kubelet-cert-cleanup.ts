// Before kubelet starts: remove its rotated certificates when they belong to
// another cluster or node name (plan-kubelet-cert-cleanup.ts says why). Only
// the *-current.pem links go; kubelet then starts from rfo's files.

import { X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { planKubeletCertCleanup } from './plan-kubelet-cert-cleanup.ts';
import type { RotatedCert } from './plan-kubelet-cert-cleanup.ts';

const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

async function read(file: string, cas: readonly X509Certificate[]): Promise<RotatedCert | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const cert = new X509Certificate(text);
    const commonName = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
    return { file, commonName, signedByClusterCa: cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey)) };
  } catch {
    return { file, commonName: undefined, signedByClusterCa: false };
  }
}

/** certDir: kubelet's --cert-dir; clientCaFile: this cluster's client-ca (a bundle after a CA rotation: any of its certificates counts). */
export async function cleanKubeletCerts(certDir: string, nodeName: string, clientCaFile: string, log: (m: string) => void): Promise<void> {
  const cas = pemBlocks(await readFile(clientCaFile, 'utf8')).map((pem) => new X509Certificate(pem));
  const client = await read(join(certDir, 'kubelet-client-current.pem'), cas);
  const server = await read(join(certDir, 'kubelet-server-current.pem'), []);
  const plan = planKubeletCertCleanup(nodeName, client, server);
  if (plan.remove.length === 0) return;
  for (const f of plan.remove) await rm(f, { force: true });
  log(`${plan.reason ?? 'stale kubelet certificates'}: removed ${plan.remove.join(', ')}; kubelet starts from rfo's certificates and rotates anew`);
}
