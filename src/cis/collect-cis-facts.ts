// What `rfo cis check` reads on this node: the command lines of rfo's own
// components (from /proc, the processes whose RFO_MANAGED marker names this
// node's run dir — several rfo instances, lab nodes, may share a host's
// process table), the mode and owner of the files the benchmark names, the
// control plane's configuration files, and on a server the API objects the
// policy checks look at (with the admin kubeconfig).

import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { readProcTable } from '../util/proc-table.ts';
import { managedMarker } from '../supervisor/plan-component-env.ts';
import { parseAccounts } from '../host/plan-cis-host.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { typeOf } from '../kube/resource-path.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import type { ApiFacts, CisFacts, Component, FileFact, FileSet, ProcessFact } from './cis-types.ts';
import { mergeKubeletConfigs, parseProcessFlags } from './parse-process-flags.ts';

export interface CollectOptions {
  readonly dataDir: string;
  readonly runDir: string;
  readonly cniConfDir: string;
  /** cni-state-dir: host-local's IPAM state is in its networks/ folder. */
  readonly cniStateDir: string;
}

const components: readonly Component[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'];

async function accounts(): Promise<{ user: (uid: number) => string; group: (gid: number) => string }> {
  const [p, g] = await Promise.all([readFile('/etc/passwd', 'utf8').catch(() => ''), readFile('/etc/group', 'utf8').catch(() => '')]);
  const users = parseAccounts(p, 'passwd');
  const groups = parseAccounts(g, 'group');
  return { user: (uid) => users.find((u) => u.id === uid)?.name ?? String(uid), group: (gid) => groups.find((x) => x.id === gid)?.name ?? String(gid) };
}

export async function collectCisFacts(o: CollectOptions): Promise<CisFacts> {
  const ids = await accounts();
  const role = existsSync(join(o.dataDir, 'server/tls/server-ca.crt')) ? 'server' : 'agent';

  const processes: Partial<Record<Component, ProcessFact>> = {};
  for (const p of await readProcTable()) {
    if (!p.environ.includes(`${managedMarker}=${o.runDir}`)) continue;
    const name = basename(p.cmdline[0] ?? '') as Component;
    if (!components.includes(name) || p.state === 'Z') continue;
    const uid = await stat(`/proc/${p.pid}`).then((s) => s.uid, () => -1);
    processes[name] = { pid: p.pid, user: ids.user(uid), flags: parseProcessFlags(p.cmdline) };
  }
  const flag = (c: Component, name: string): string | undefined => processes[c]?.flags[name]?.at(-1);

  const fact = async (path: string): Promise<FileFact | undefined> => {
    const s = await stat(path).catch(() => undefined);
    return s ? { path, mode: s.mode & 0o7777, owner: `${ids.user(s.uid)}:${ids.group(s.gid)}`, isDir: s.isDirectory() } : undefined;
  };
  const facts = async (paths: readonly string[]) => (await Promise.all(paths.map(fact))).filter((x): x is FileFact => x !== undefined);
  /** Regular files in a directory (recursively), or none when it does not exist. */
  const filesIn = async (dir: string, recursive: boolean, match: (name: string) => boolean = () => true): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isFile() && match(e.name)) out.push(p);
      else if (e.isDirectory() && recursive) out.push(...(await filesIn(p, true, match)));
    }
    return out.sort();
  };

  const server = (p: string) => join(o.dataDir, 'server', p);
  const agent = (p: string) => join(o.dataDir, 'agent', p);
  const tls = server('tls');
  const configDir = flag('kubelet', 'config-dir') ?? agent('etc/kubelet.conf.d');
  const kubeletConfigFiles = [...(await filesIn(configDir, false, (n) => n.endsWith('.conf'))), ...(flag('kubelet', 'config') ? [flag('kubelet', 'config') ?? ''] : [])];
  const kubeletConfig = mergeKubeletConfigs(await Promise.all(kubeletConfigFiles.map(async (f) => parse(await readFile(f, 'utf8').catch(() => '')) as unknown)));
  const x509 = (kubeletConfig.authentication as { x509?: { clientCAFile?: string } } | undefined)?.x509?.clientCAFile;
  const clientCa = flag('kubelet', 'client-ca-file') ?? x509;

  const files: Partial<Record<FileSet, readonly FileFact[]>> = {
    'cni-files': await facts([...(await filesIn(o.cniConfDir, false)), ...(await filesIn(join(o.cniStateDir, 'networks'), true))]),
    'kubeproxy-kubeconfig': await facts([flag('kube-proxy', 'kubeconfig') ?? agent('kubeproxy.kubeconfig')]),
    'kubelet-kubeconfig': await facts([flag('kubelet', 'kubeconfig') ?? agent('kubelet.kubeconfig')]),
    ...(clientCa ? { 'kubelet-client-ca': await facts([clientCa]) } : {}),
    'kubelet-config': await facts(kubeletConfigFiles),
  };
  if (role === 'server') {
    Object.assign(files, {
      'etcd-data-dir': await facts([flag('etcd', 'data-dir') ?? server('db/etcd')]),
      'admin-kubeconfig': await facts([server('cred/admin.kubeconfig')]),
      'scheduler-kubeconfig': await facts([flag('kube-scheduler', 'kubeconfig') ?? server('cred/scheduler.kubeconfig')]),
      'controller-kubeconfig': await facts([flag('kube-controller-manager', 'kubeconfig') ?? server('cred/controller.kubeconfig')]),
      'pki-dir': await facts([tls, ...(await filesIn(tls, false))]),
      'pki-certs': await facts([...(await filesIn(tls, false, (n) => n.endsWith('.crt'))), ...(await filesIn(join(tls, 'etcd'), false, (n) => n.endsWith('.crt')))]),
      'pki-keys': await facts([...(await filesIn(tls, false, (n) => n.endsWith('.key'))), ...(await filesIn(join(tls, 'etcd'), false, (n) => n.endsWith('.key')))]),
    } satisfies Partial<Record<FileSet, readonly FileFact[]>>);
  }

  const readDoc = async (path: string | undefined): Promise<unknown> => (path ? parse(await readFile(path, 'utf8').catch(() => '')) as unknown : undefined);
  const admission = (await readDoc(flag('kube-apiserver', 'admission-control-config-file'))) as { plugins?: { name?: string; path?: string; configuration?: unknown }[] } | undefined;
  // A plugin's configuration may live in a file of its own (path:); read it in.
  for (const p of admission?.plugins ?? []) if (p.configuration === undefined && p.path) p.configuration = await readDoc(p.path);
  const docs = {
    encryptionConfig: await readDoc(flag('kube-apiserver', 'encryption-provider-config')),
    auditPolicy: await readDoc(flag('kube-apiserver', 'audit-policy-file')),
    admissionConfig: admission,
    etcdCa: await readFile(flag('etcd', 'trusted-ca-file') ?? '', 'utf8').catch(() => undefined),
    clientCa: await readFile(flag('kube-apiserver', 'client-ca-file') ?? '', 'utf8').catch(() => undefined),
  };

  let api: ApiFacts | undefined;
  let apiError: string | undefined;
  if (role === 'server') {
    try {
      api = await readApiFacts(await KubeClient.fromKubeconfig(server('cred/admin.kubeconfig')));
    } catch (err) {
      apiError = (err as Error).message;
    }
  }
  return { role, processes, files, kubeletConfig, docs, ...(api ? { api } : {}), ...(apiError ? { apiError } : {}) };
}

async function readApiFacts(client: KubeClient): Promise<ApiFacts> {
  const all = async (kind: string, apiVersion = 'v1', namespace?: string): Promise<KubeObject[]> => (await client.list(typeOf(apiVersion, kind), namespace ? { namespace } : {})).items;
  const [namespaces, policies, accounts, daemonSets, pods, services] = await Promise.all([
    all('Namespace'),
    all('NetworkPolicy', 'networking.k8s.io/v1'),
    client.list(typeOf('v1', 'ServiceAccount'), { fieldSelector: 'metadata.name=default' }).then((r) => r.items),
    all('DaemonSet', 'apps/v1'),
    all('Pod', 'v1', 'default'),
    all('Service', 'v1', 'default'),
  ]);
  return {
    namespaces: namespaces.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} })),
    networkPolicyNamespaces: [...new Set(policies.map((p) => p.metadata.namespace ?? ''))],
    defaultServiceAccounts: accounts.map((sa) => ({ namespace: sa.metadata.namespace ?? '', automount: (sa as unknown as { automountServiceAccountToken?: boolean }).automountServiceAccountToken })),
    daemonSets: daemonSets.map((d) => ({ namespace: d.metadata.namespace ?? '', name: d.metadata.name })),
    defaultNamespaceObjects: [...pods.map((p) => `pod/${p.metadata.name}`), ...services.filter((s) => s.metadata.name !== 'kubernetes').map((s) => `service/${s.metadata.name}`)],
  };
}
