// profile: cis at run time (README "CIS hardened profile"): write the
// apiserver's admission and audit files, tighten files an earlier start
// left readable by others, let the etcd user reach its files, and apply the
// default NetworkPolicies and service account settings once the apiserver
// serves. What each file holds is decided in render/ (admission-config.ts,
// audit-policy.ts, cis-network-policies.ts); this module only writes and applies.

import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paths } from '../paths/paths.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { renderAdmissionConfig, renderEventRateLimitConfig } from '../render/admission-config.ts';
import { renderAuditPolicy } from '../render/audit-policy.ts';
import { cisNoAutomountNamespaces, renderCisNetworkPolicies } from '../render/cis-network-policies.ts';
import { typeOf } from '../kube/resource-path.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import { waitFor } from '../host/probes.ts';
import type { CisServerFiles } from './cis-files.ts';

export async function writeCisServerFiles(f: CisServerFiles): Promise<void> {
  await writeFileAtomic(f.eventRateLimit, renderEventRateLimitConfig(), 0o600);
  await writeFileAtomic(f.admissionConfig, renderAdmissionConfig(f.eventRateLimit), 0o600);
  await writeFileAtomic(f.auditPolicy, renderAuditPolicy(), 0o600);
}

/** Regular files under `path` (recursively for directories) that others or the group may read. */
async function chmodOwnerOnly(path: string, recursive: boolean, changed: string[]): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (st.isFile() && (st.mode & 0o077) !== 0) {
    await chmod(path, st.mode & 0o700);
    changed.push(path);
  }
  if (!st.isDirectory()) return;
  for (const entry of await readdir(path)) {
    const child = join(path, entry);
    if (recursive || (await lstat(child)).isFile()) await chmodOwnerOnly(child, recursive, changed);
  }
}

/**
 * A node that ran without the profile kept certificates and configs at 0644;
 * rfo rewrites most files at every start, but kept certificates stay as they
 * were. Every file rfo owns becomes 0600 (CIS 1.1.13-1.1.21, 4.1.x), and so do
 * kubelet drop-ins of yours in agent/etc/kubelet.conf.d (4.1.9 checks them).
 * server/manifests is left alone: rfo rewrites its own files there at every
 * start, and the rest are yours.
 */
export async function tightenFileModes(paths: Paths, cniConfFile: string): Promise<string[]> {
  const changed: string[] = [];
  for (const dir of [paths.server.tlsDir, paths.server.credDir, join(paths.server.dir, 'etc'), paths.agent.etcDir]) await chmodOwnerOnly(dir, true, changed);
  for (const dir of [paths.server.dir, paths.agent.dir]) await chmodOwnerOnly(dir, false, changed);
  await chmodOwnerOnly(cniConfFile, false, changed);
  return changed;
}

/**
 * etcd runs as the etcd user: it must pass through the root-owned
 * directories above its data dir and TLS files. rfo makes them 0700 (the TLS
 * dir) or 0755; adding only the search bit for others lets etcd reach the
 * files it owns without letting anyone list the directories.
 */
export async function allowEtcdTraversal(paths: Paths): Promise<void> {
  const dirs = [paths.roots.dataDir, paths.server.dir, join(paths.server.dir, 'db'), paths.server.tlsDir, paths.server.etcdTlsDir];
  for (const dir of dirs) {
    const st = await lstat(dir).catch(() => undefined);
    if (st?.isDirectory() && (st.mode & 0o001) === 0) await chmod(dir, (st.mode & 0o7777) | 0o001);
  }
}

const namespaceType = typeOf('v1', 'Namespace');

/**
 * RKE2's default NetworkPolicies, each once per namespace (its annotation
 * records it: an operator may change or delete the policy afterwards), and
 * the default service accounts' token mount off in the system namespaces
 * (CIS 5.1.5), every start.
 */
export async function applyCisPolicies(client: KubeClient, log: (m: string) => void, signal?: AbortSignal): Promise<void> {
  const policies = renderCisNetworkPolicies();
  const namespaces = [...new Set([...policies.map((p) => p.namespace), ...cisNoAutomountNamespaces])];
  // kube-public and kube-node-lease are made by the apiserver's system namespace controller a moment after it serves.
  await waitFor('the system namespaces', async () => (await Promise.all(namespaces.map((n) => client.get(namespaceType, n)))).every(Boolean), 60_000, 500, signal);
  const applied: string[] = [];
  for (const ns of namespaces) {
    const annotations = (await client.get(namespaceType, ns))?.metadata.annotations ?? {};
    const missing = policies.filter((p) => p.namespace === ns && annotations[p.annotation] === undefined);
    for (const p of missing) {
      await client.apply(p.object);
      applied.push(`${ns}/${p.object.metadata.name}`);
    }
    if (missing.length > 0) await client.mergePatch(namespaceType, ns, { metadata: { annotations: Object.fromEntries(missing.map((p) => [p.annotation, 'resolved'])) } });
  }
  for (const ns of cisNoAutomountNamespaces) {
    await client.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns }, automountServiceAccountToken: false });
  }
  log(`profile: cis: ${applied.length > 0 ? `NetworkPolicies ${applied.join(', ')} applied` : 'default NetworkPolicies already applied'}; default service accounts of ${cisNoAutomountNamespaces.join(', ')} mount no token`);
}
