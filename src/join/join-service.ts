// The server side of joining: what the supervisor API's protected endpoints
// do. Node certificates are minted from this server's CAs; node passwords
// live in kube-system secrets (so every server sees the same ones); the
// bootstrap data is sealed with the server token; the server list comes from
// etcd membership, refreshed in the background.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeCertKind } from '../api/handlers.ts';
import { canonicalIp } from '../api/parse-node-headers.ts';
import { sealBootstrap } from './bootstrap-crypto.ts';
import { bootstrapFiles, optionalBootstrapFiles, renderBootstrap } from './bootstrap-data.ts';
import { hashNodePassword, nodePasswordSecretName, verifyNodePassword } from './node-password.ts';
import { nodePasswordSecretType } from './plan-node-password-cleanup.ts';
import { recordNodeIps } from './node-ips.ts';
import { planCertSpecs } from '../pki/specs.ts';
import type { CaSpec, LeafSpec } from '../pki/specs.ts';
import { issueCertificate, issuerFromCaKey } from '../pki/x509.ts';
import { certIssueTime } from '../pki/issue-clock.ts';
import { listMembers } from '../etcd/etcdctl.ts';
import type { EtcdClient, EtcdMember } from '../etcd/etcdctl.ts';
import { RfoError } from '../errors.ts';
import { isConflict, KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { typeOf } from '../kube/resource-path.ts';

export interface JoinServiceOptions {
  readonly tlsDir: string;
  /** rfo's API client is made from it on first use (the apiserver may not run yet when the service is created). */
  readonly adminKubeconfig: string;
  readonly passwords: { readonly server: string; readonly node: string };
  readonly settings: Readonly<Record<string, string>>;
  readonly serviceCidr: string;
  readonly clusterDomain: string;
  readonly etcd: EtcdClient;
  /** Told the member count whenever it was listed (server.ts keeps it for etcd's timing at the next start). */
  readonly onMembers?: (count: number) => void;
}

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

const secretType = typeOf('v1', 'Secret');

const certIds: Record<NodeCertKind, string> = {
  'serving-kubelet': 'serving-kubelet',
  'client-kubelet': 'kubelet',
  'client-kube-proxy': 'kube-proxy',
  'client-flannel': 'flannel',
};

export function createJoinService(o: JoinServiceOptions) {
  // node → password verified in this process, and when. Kept for a minute only:
  // a join asks for several certificates in a row, but a deleted node's secret
  // (removed by any server) must not stay valid here.
  const registered = new Map<string, { password: string; at: number }>();
  const remember = (nodeName: string, password: string) => registered.set(nodeName, { password, at: Date.now() });
  let members: EtcdMember[] = [];

  // One client for the service and the server watcher (one connection pool).
  // A failed read of the kubeconfig is not cached: the next call tries again.
  let client: Promise<KubeClient> | undefined;
  const kubeClient = (): Promise<KubeClient> =>
    (client ??= KubeClient.fromKubeconfig(o.adminKubeconfig).catch((err: unknown) => {
      client = undefined;
      throw err;
    }));

  async function issueNodeCert(kind: NodeCertKind, nodeName: string, nodeIps: readonly string[]): Promise<string> {
    const specs = planCertSpecs({ nodeName, nodeIps, tlsSans: [], serviceCidr: o.serviceCidr, clusterDomain: o.clusterDomain });
    const leaf = specs.find((s) => s.id === certIds[kind]) as LeafSpec;
    const caSpec = specs.find((s) => s.id === leaf.signer) as CaSpec;
    const issuer = issuerFromCaKey(caSpec, await readFile(join(o.tlsDir, `${caSpec.file}.key`), 'utf8'), await readFile(join(o.tlsDir, `${caSpec.file}.crt`), 'utf8'));
    const issued = issueCertificate(leaf, { now: certIssueTime(), issuer });
    // The addresses this serving certificate names are the node's registered ones:
    // the CSR approver (csr-approver.ts) approves the kubelet's own requests for no others.
    if (kind === 'serving-kubelet') await recordNodeIps(await kubeClient(), nodeName, nodeIps);
    return issued.certPem + issued.keyPem;
  }

  async function checkNodePassword(nodeName: string, password: string): Promise<boolean> {
    const cached = registered.get(nodeName);
    if (cached && cached.password === password && Date.now() - cached.at < 60_000) return true;
    const name = nodePasswordSecretName(nodeName);
    const kube = await kubeClient();
    for (let attempt = 0; attempt < 3; attempt++) {
      const got = await kube.get<Secret>(secretType, name, 'kube-system');
      if (got) {
        const ok = await verifyNodePassword(Buffer.from(got.data?.hash ?? '', 'base64').toString('utf8'), password);
        if (ok) remember(nodeName, password);
        return ok;
      }
      const secret: Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: 'kube-system' },
        type: nodePasswordSecretType,
        data: { hash: Buffer.from(await hashNodePassword(password)).toString('base64') },
      };
      try {
        await kube.create(secretType, secret);
        remember(nodeName, password);
        return true;
      } catch (err) {
        // 409 AlreadyExists: another server registered it at the same moment; read it again.
        if (!isConflict(err)) throw err;
      }
    }
    throw new RfoError('RFO_KUBE_API', `could not register the node password of ${nodeName}: its secret ${name} was created and gone again three times`, {
      hint: `see who deletes kube-system/${name} (kubectl -n kube-system get events)`,
    });
  }

  /** Register (or check) a name's password now, ignoring what this process verified earlier. */
  async function ensureNodePassword(nodeName: string, password: string): Promise<boolean> {
    registered.delete(nodeName);
    return checkNodePassword(nodeName, password);
  }

  /** The servers' names and IPs, from etcd itself (a Node label can be changed by others; membership cannot). */
  async function servers(): Promise<{ names: Set<string>; ips: Set<string> }> {
    const live = await listMembers(o.etcd);
    const hosts = live.flatMap((m) => [...m.peerUrls, ...m.clientUrls]).map((u) => new URL(u).hostname.replace(/^\[|\]$/g, ''));
    return { names: new Set(live.map((m) => m.name).filter(Boolean)), ips: new Set(hosts.map((h) => canonicalIp(h)).filter((ip): ip is string => ip !== undefined)) };
  }

  async function bootstrap(): Promise<string> {
    const files: Record<string, string> = {};
    for (const f of bootstrapFiles) files[f] = await readFile(join(o.tlsDir, f), 'utf8');
    for (const f of optionalBootstrapFiles) {
      const content = await readFile(join(o.tlsDir, f), 'utf8').catch(() => undefined);
      if (content !== undefined) files[f] = content;
    }
    return await sealBootstrap(o.passwords.server, Buffer.from(renderBootstrap({ version: 1, files, settings: o.settings, agentPassword: o.passwords.node })));
  }

  async function refreshMembers(): Promise<EtcdMember[]> {
    members = await listMembers(o.etcd);
    o.onMembers?.(members.length);
    return members;
  }

  return {
    issueNodeCert,
    checkNodePassword,
    ensureNodePassword,
    servers,
    bootstrap,
    /** Record a node's own addresses (a server's, at its start) for the CSR approver. */
    recordNodeIps: async (nodeName: string, ips: readonly string[]) => recordNodeIps(await kubeClient(), nodeName, ips),
    etcdMembers: refreshMembers,
    refreshMembers,
    etcdClient: o.etcd,
    kubeClient,
    /** Node IPs of the voting etcd members: the servers agents may use. */
    serverIps(): string[] {
      const ips = members.filter((m) => !m.isLearner).flatMap((m) => m.peerUrls.map((u) => new URL(u).hostname));
      return [...new Set(ips)];
    },
  };
}
