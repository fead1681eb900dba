// The server's credentials on disk: the join tokens (server/token,
// server/agent-token, the node-token link) and the kubeconfigs of the admin,
// the control plane components and the node's own components.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { caHashOf, formatToken, parseToken } from '../join/token.ts';
import { givenToken } from './prepare-node.ts';
import type { ServerSettings } from './prepare-node.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { symlinkAtomic, writeFileAtomic } from '../util/atomic-write.ts';

export async function ensureToken(s: ServerSettings, caPem: string, clusterAgentPassword?: string): Promise<{ server: string; node: string }> {
  const given = await givenToken(s, 'token');
  let password: string;
  if (given) {
    password = parseToken(given).password;
  } else {
    try {
      password = parseToken(await readFile(s.paths.server.token, 'utf8')).password;
    } catch {
      password = randomBytes(16).toString('hex');
    }
  }
  const token = formatToken({ caHash: caHashOf(caPem), username: 'server', password });
  await writeFileAtomic(s.paths.server.token, `${token}\n`, 0o600);
  const agentGiven = await givenToken(s, 'agent-token');
  const agentKept = await readFile(s.paths.server.agentToken, 'utf8').then((t) => parseToken(t).password, () => undefined);
  // Given > the cluster's (joining) > kept from an earlier start > the server token's.
  const agentPassword = agentGiven ? parseToken(agentGiven).password : (clusterAgentPassword ?? agentKept ?? password);
  if (agentPassword !== password) {
    // Agents may join with this one; it gives node rights only (RKE2 writes it to server/agent-token).
    const agent = formatToken({ caHash: caHashOf(caPem), username: 'node', password: agentPassword });
    await writeFileAtomic(s.paths.server.agentToken, `${agent}\n`, 0o600);
  }
  await symlinkAtomic('token', s.paths.server.nodeToken);
  return { server: password, node: agentPassword };
}

export async function writeKubeconfigs(s: ServerSettings, port: number): Promise<{ admin: string }> {
  const tls = s.paths.server.tlsDir;
  
  const server = `https://127.0.0.1:${port}`;
  const ca = await readFile(join(tls, 'server-ca.crt'), 'utf8');
  const kc = async (client: string) =>
    renderKubeconfig({ server, caPem: ca, certPem: await readFile(join(tls, `client-${client}.crt`), 'utf8'), keyPem: await readFile(join(tls, `client-${client}.key`), 'utf8') });
  const admin = join(s.paths.server.credDir, 'admin.kubeconfig');
  const adminConfig = await kc('admin');
  await writeFileAtomic(admin, adminConfig, 0o600);
  await writeFileAtomic(join(s.paths.server.credDir, 'controller.kubeconfig'), await kc('controller'), 0o600);
  await writeFileAtomic(join(s.paths.server.credDir, 'scheduler.kubeconfig'), await kc('scheduler'), 0o600);
  await writeFileAtomic(join(s.paths.server.credDir, 'helm-controller.kubeconfig'), await kc('helm-controller'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'kubelet.kubeconfig'), await kc('kubelet'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'kubeproxy.kubeconfig'), await kc('kube-proxy'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'flannel.kubeconfig'), await kc('flannel'), 0o600);
  // The seed documents both names; write the same admin kubeconfig to each.
  await writeFileAtomic(s.kubeconfigOut, adminConfig, s.kubeconfigMode);
  if (s.kubeconfigOut.endsWith('.yaml')) await writeFileAtomic(s.kubeconfigOut.replace(/\.yaml$/, '.yml'), adminConfig, s.kubeconfigMode);
  return { admin };
}
