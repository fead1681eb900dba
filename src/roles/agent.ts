// `rfo agent`: join a cluster through a server's supervisor API and run a
// worker node. Order: resolve config (nothing written if invalid) → check
// the server's CA against the token → authenticate → only then write: node
// password, certificates, kubeconfigs → local apiserver load balancer →
// components (component manager): load balancer, server-list refresh, the
// node part (node-components.ts), node Ready. `--dry-run` prints the plan
// after the server accepted the token and writes nothing.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { nodeCertKinds } from '../api/handlers.ts';
import { fetchCacerts, joinGet, verifyCa } from '../join/join-client.ts';
import type { JoinSession } from '../join/join-client.ts';
import { parseToken } from '../join/token.ts';
import { checkNodeInputs, givenToken, list, preflight, requireRoot, settingsFrom, stageRuntime, str } from './prepare-node.ts';
import type { Log } from './prepare-node.ts';
import { airgapPath, nodeInputFor, writeNodeConfigs } from './node-setup.ts';
import { readRegistries } from './read-registries.ts';
import { applyHostNetwork } from '../host/host-network.ts';
import { hostNetworkOptions } from './host-network-options.ts';
import type { NodeSetup } from './node-setup.ts';
import { readOrMakeNodePassword, writeNodePassword } from '../join/node-password-file.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { readHostFacts } from '../host/host-facts.ts';
import { locateRuntime } from '../runtime/locate-runtime.ts';
import { notifySystemd } from '../host/notify-systemd.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { recoverLeftovers } from '../supervisor/recover-leftovers.ts';
import { planContainerd, planFlannel, planKubelet, planKubeProxy } from '../components/plan-node.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { startLoadBalancer } from '../components/load-balancer.ts';
import type { LoadBalancer } from '../components/load-balancer.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { loopComponent } from '../lifecycle/kinds.ts';
import type { Loop, ProcessContext } from '../lifecycle/kinds.ts';
import { manageComponents } from '../lifecycle/manager.ts';
import { planStartOrder } from '../lifecycle/plan-start-order.ts';
import type { Component } from '../lifecycle/manager.ts';
import { imageRefOf } from '../runtime/runtime-images.ts';
import { nodeComponents, nodeReadyComponent } from './node-components.ts';
import { renderNodePlan } from './render-plan.ts';
import { readNodeVersions, writeNodeVersions } from './node-versions.ts';
import { planVersionSkew } from '../versions/plan-version-skew.ts';
import { agentCertCheck, splitCertAndKey } from './agent-cert-check.ts';
import { checkIntervalMs, startCertRenewal } from './cert-renewal.ts';
import { readCisHostFacts, requireCisHost } from '../host/cis-host.ts';
import { planCisHostCheck } from '../host/plan-cis-host.ts';
import { restrictFileModes } from '../util/atomic-write.ts';
import { tightenFileModes } from './cis-profile.ts';

/** What /v1-rfo/config returns to agents. */
export interface AgentConfig {
  readonly 'cluster-cidr': string;
  readonly 'service-cidr': string;
  readonly 'cluster-dns': string;
  readonly 'cluster-domain': string;
  /** For the NodePort range this node opens in firewalld (servers before this field: the default). */
  readonly 'service-node-port-range'?: string;
  /** Supervisor URLs of every server. */
  readonly servers: readonly string[];
  /** host:port of every apiserver. */
  readonly apiservers: readonly string[];
  readonly 'client-ca': string;
  /** The server's `cni:` (servers before this field: flannel). */
  readonly cni?: readonly string[];
  /** The server's Kubernetes version (servers before this field: not checked). */
  readonly 'kubernetes-version'?: string;
}

export interface RunningAgent {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
  /** Set with --dry-run: the plan, printed instead of running it. */
  readonly dryRun?: string;
}

/** Ask each known server in turn; the first that answers wins. */
async function fromAnyServer<T>(sessions: readonly JoinSession[], ask: (s: JoinSession) => Promise<T>): Promise<T> {
  let last: unknown;
  for (const s of sessions) {
    try {
      return await ask(s);
    } catch (err) {
      last = err;
      if (err instanceof RfoError && err.code !== 'RFO_SERVER_UNREACHABLE' && err.code !== 'RFO_JOIN_FAILED') throw err;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

export async function startAgent(args: readonly string[], env: NodeJS.ProcessEnv, log: Log): Promise<RunningAgent> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const resolved = resolveConfig(await readConfigSources('agent', args, env));
  if (!resolved.ok) throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`, { hint: 'fix the keys named above; nothing was started or written' });
  for (const w of resolved.options.warnings) log(`WARNING: ${w}`);
  const values = resolved.options.values;
  const server = str(values.server);
  if (!server) throw new RfoError('RFO_CONFIG_INVALID', 'rfo agent needs server: (https://<server>:9345)', { hint: 'set server: and token: in /etc/rancher/rfo/config.yaml, or pass --server and --token' });
  const facts = await readHostFacts();
  const dryRun = values['dry-run'] === true;
  if (!dryRun) requireRoot(facts, 'rfo agent');
  // profile: cis: the kernel parameters are checked before anything is written (agents need no etcd account).
  const cis = str(values.profile) === 'cis';
  const cisFacts = cis ? await readCisHostFacts() : undefined;
  if (cisFacts && !dryRun) requireCisHost('agent', cisFacts);
  const s = settingsFrom(values, facts);
  const tokenText = await givenToken(s, 'token');
  if (!tokenText) throw new RfoError('RFO_CONFIG_INVALID', 'rfo agent needs a token', { hint: 'set token: (or token-file:) to the content of server/node-token on a server' });
  const token = parseToken(tokenText);
  const runtime = await locateRuntime(str(values['runtime-dir']) || undefined);
  // What an earlier rfo of this run dir left (kill -9, OOM): refuse if it lives, else stop it and start fresh.
  // Creates nothing (nothing is written before the server proved its CA and accepted the token); it only stops a dead rfo's processes and removes their pid files.
  checkNodeInputs(s);
  const registries = await readRegistries(str(values['private-registry']), log);
  if (!dryRun) await recoverLeftovers(s.paths.run.dir, log);
  const lbPort = Number(values['lb-server-port']);

  // Nothing is written until a server has proven its CA and accepted the
  // token. After the first join, every server it learned of is a candidate,
  // so the agent restarts even while the server in `server:` is down.
  const serversFile = join(s.paths.agent.etcDir, 'rfo-agent-load-balancer.json');
  const saved = await readFile(serversFile, 'utf8').then((t) => (JSON.parse(t) as { servers?: string[] }).servers ?? [], () => [] as string[]);
  const candidates = [...new Set([server, ...saved])].map((url): JoinSession => ({ server: url, caPem: '', username: 'node', password: token.password }));
  const { first, config } = await fromAnyServer(candidates, async (c) => {
    const caPem = await fetchCacerts(c.server);
    verifyCa(token, caPem, log);
    const session = { ...c, caPem };
    return { first: session, config: JSON.parse(await joinGet(session, '/v1-rfo/config')) as AgentConfig };
  });
  log(`joined ${first.server}: cluster ${config['cluster-cidr']}, ${config.apiservers.length} apiserver(s)`);
  const versionsFile = join(s.paths.agent.dir, 'versions.json');
  const previous = await readNodeVersions(versionsFile);
  const serverVersion = config['kubernetes-version'];
  for (const note of planVersionSkew({ role: 'agent', kubernetes: runtime.manifest.kubernetesVersion, servers: serverVersion ? [serverVersion] : [], ...(previous ? { previous: previous.kubernetes } : {}) })) log(note);

  const flannel = !(config.cni ?? ['flannel']).includes('none');
  const node = nodeInputFor(s, s.paths.binLink, config['cluster-cidr']);
  const agentDir = s.paths.agent.dir;
  const setup: NodeSetup = {
    paths: s.paths,
    facts,
    node,
    kubeletTls: { clientCaFile: join(agentDir, 'client-ca.crt'), certFile: join(agentDir, 'serving-kubelet.crt'), keyFile: join(agentDir, 'serving-kubelet.key') },
    clusterDns: config['cluster-dns'],
    clusterDomain: config['cluster-domain'],
    stagedRuntime: s.paths.runtimeDir(runtime.manifest.key),
    ...(airgapPath(runtime.manifest) ? { airgapPath: airgapPath(runtime.manifest) } : {}),
    flannel,
    sandboxImage: imageRefOf(runtime.manifest, 'pause'),
    ...(cis ? { hardened: true } : {}),
    registries,
    disableDefaultRegistryEndpoint: values['disable-default-registry-endpoint'] === true,
  };
  if (dryRun) {
    const stages = planStartOrder(agentComponents(setup, { runDir: s.paths.run.dir, log }));
    return {
      ready: Promise.resolve(),
      stop: () => Promise.resolve(),
      dryRun: renderNodePlan({
        role: 'agent',
        nodeName: s.nodeName,
        nodeIp: s.nodeIp,
        runtime,
        facts,
        stages: stages.ok ? stages.stages : [],
        processes: [planContainerd(node), planKubelet(node), planKubeProxy(node), ...(flannel ? [planFlannel(node)] : [])],
        files: [
          ...nodeCertKinds.flatMap((k) => [join(agentDir, `${k}.crt`), join(agentDir, `${k}.key`)]),
          join(agentDir, 'server-ca.crt'),
          join(agentDir, 'client-ca.crt'),
          join(agentDir, 'kubelet.kubeconfig'),
          join(agentDir, 'kubeproxy.kubeconfig'),
          join(agentDir, 'flannel.kubeconfig'),
          node.containerdConfig,
          node.kubeletConfig,
          serversFile,
          join(s.paths.run.dir, 'rfo.pid'),
        ],
        joins: `${first.server} (token accepted, CA verified; apiserver load balancer on 127.0.0.1:${lbPort})`,
        warnings: [
          ...(flannel ? [] : [`the server runs cni: none: node ${s.nodeName} stays NotReady until you install a CNI`]),
          ...(cisFacts ? planCisHostCheck('agent', cisFacts).map((i) => `profile: cis: ${i.what}; fix: ${i.fix}`) : []),
        ],
      }),
    };
  }
  const { password, isNew } = await readOrMakeNodePassword(s.paths.agent.dir);
  const headers = { 'rfo-node-name': s.nodeName, 'rfo-node-password': password, 'rfo-node-ip': [s.nodeIp, ...list(values['node-external-ip'])].join(',') };
  // All certificates are fetched before anything is written: a refused node name leaves no trace.
  const certs: Record<string, { cert: string; key: string }> = {};
  for (const kind of nodeCertKinds) certs[kind] = splitCertAndKey(await joinGet(first, `/v1-rfo/${kind}.crt`, headers));
  // profile: cis: every file written from here on is for its owner only (util/atomic-write.ts).
  restrictFileModes(cis);
  // killall and the next rfo find this one by this file.
  await writeFileAtomic(join(s.paths.run.dir, 'rfo.pid'), `${process.pid}\n`);
  // The host checks come after the server's: a refused join is reported as such.
  await preflight(s, facts, log, [
    [10250, 'kubelet'],
    [lbPort, 'apiserver load balancer'],
  ]);
  // NetworkManager and firewalld, where they run, before any interface or port of rfo's exists.
  const nodePortRange = config['service-node-port-range'] ?? '30000-32767';
  await applyHostNetwork(hostNetworkOptions(s, { role: 'agent', clusterCidr: config['cluster-cidr'], serviceCidr: config['service-cidr'], nodePortRange, httpsPort: 0, supervisorPort: 0, flannel }, log));
  if (isNew) await writeNodePassword(s.paths.agent.dir, password);
  for (const [kind, c] of Object.entries(certs)) {
    await writeFileAtomic(join(agentDir, `${kind}.key`), c.key, 0o600);
    await writeFileAtomic(join(agentDir, `${kind}.crt`), c.cert, 0o644);
  }
  await writeFileAtomic(join(agentDir, 'server-ca.crt'), first.caPem, 0o644);
  await writeFileAtomic(join(agentDir, 'client-ca.crt'), config['client-ca'], 0o644);
  log(`node ${s.nodeName}: certificates issued by the server (${elapsed()})`);

  const lb: LoadBalancer = await startLoadBalancer('127.0.0.1', lbPort, config.apiservers, log);
  const local = `https://127.0.0.1:${lb.port}`;
  const kc = (kind: string) => renderKubeconfig({ server: local, caPem: first.caPem, certPem: certs[kind]?.cert ?? '', keyPem: certs[kind]?.key ?? '' });
  await writeFileAtomic(join(agentDir, 'kubelet.kubeconfig'), kc('client-kubelet'), 0o600);
  await writeFileAtomic(join(agentDir, 'kubeproxy.kubeconfig'), kc('client-kube-proxy'), 0o600);
  await writeFileAtomic(join(agentDir, 'flannel.kubeconfig'), kc('client-flannel'), 0o600);

  await stageRuntime(runtime.dir, runtime.manifest.key, s.paths);
  await writeNodeConfigs(setup);
  if (cis) {
    const tightened = await tightenFileModes(s.paths, join(s.paths.cniConfDir, '10-rfo.conflist'));
    if (tightened.length > 0) log(`profile: cis: ${tightened.length} file(s) an earlier start left readable by others are now 0600`);
  }

  // Keep the server list current: the load balancer must know every apiserver before one fails.
  const saveServers = (servers: readonly string[]) => writeFileAtomic(serversFile, `${JSON.stringify({ servers }, null, 2)}\n`).catch(() => undefined);
  await saveServers(config.servers);
  // Every server this agent knows, kept current by the refresh below; certificate renewals ask any of them.
  let sessions: JoinSession[] = [...new Set([...config.servers, first.server])].map((url) => ({ ...first, server: url }));
  const refreshServers = (): Loop => {
    let refreshFailing = false;
    const timer = setInterval(() => {
      void fromAnyServer(sessions, async (session) => JSON.parse(await joinGet(session, '/v1-rfo/config')) as AgentConfig).then(
        (c) => {
          refreshFailing = false;
          lb.setBackends(c.apiservers);
          sessions = [...new Set([...c.servers, ...sessions.map((x) => x.server)])].map((url) => ({ ...first, server: url }));
          void saveServers(c.servers);
        },
        (err: unknown) => {
          // Logged once per outage; the load balancer keeps the servers it knows.
          if (!refreshFailing) log(`refreshing the server list failed (kept ${lb.backends().join(', ')}): ${(err as Error).message}`);
          refreshFailing = true;
        },
      );
    }, 15_000);
    return { stop: () => clearInterval(timer) };
  };

  // The check restarts components through the manager made below (it first runs once they started).
  let restartComponent: (name: string) => Promise<void> = () => Promise.reject(new Error('components not started yet'));
  const check = agentCertCheck({
    agentDir,
    kubeletDir: s.paths.kubeletDir,
    nodeName: s.nodeName,
    fetch: (kind) => fromAnyServer(sessions, (session) => joinGet(session, `/v1-rfo/${kind}.crt`, headers)),
    apiserver: local,
    caPem: first.caPem,
    restart: (name) => restartComponent(name),
    running: new Set(['containerd', 'kubelet', 'kube-proxy', ...(flannel ? ['flanneld'] : [])]),
  });
  const certRenewal = () => startCertRenewal(check, { nodeName: s.nodeName, intervalMs: checkIntervalMs(env), log });
  const managed = manageComponents(agentComponents(setup, { runDir: s.paths.run.dir, logRotation: s.logRotation, log }, lb, refreshServers, certRenewal), { log, elapsed });
  restartComponent = (name) => managed.restart(name);
  const stop = () => managed.stop();
  const ready = (async () => {
    await managed.ready;
    log(`rfo agent is ready (${elapsed()}): node ${s.nodeName} Ready`);
    await writeNodeVersions(versionsFile, { kubernetes: runtime.manifest.kubernetesVersion }).catch((err: unknown) => log(`could not record the version this node runs: ${(err as Error).message}`));
    await notifySystemd(env, `rfo agent is ready: node ${s.nodeName}`, log);
  })();
  return { ready, stop };
}

/**
 * An agent's components: the load balancer to the apiservers (listening
 * already, since the kubeconfigs name it; stopped last), the refresh of its
 * server list, the node part, and the wait for the Node to be Ready.
 */
function agentComponents(setup: NodeSetup, proc: ProcessContext, lb?: LoadBalancer, refreshServers?: () => Loop, certRenewal?: () => Loop): Component[] {
  const log = proc.log;
  let client: Promise<KubeClient> | undefined;
  const kubeletClient = () => (client ??= KubeClient.fromKubeconfig(join(setup.paths.agent.dir, 'kubelet.kubeconfig')));
  return [
    loopComponent('load-balancer', () => ({ stop: () => lb?.close() })),
    loopComponent('server-refresh', refreshServers ?? (() => ({ stop: () => undefined })), { after: ['load-balancer'] }),
    // Renews the node's certificates through the join API while rfo runs (agent-cert-check.ts).
    loopComponent('cert-renewal', certRenewal ?? (() => ({ stop: () => undefined })), { after: ['load-balancer'] }),
    ...nodeComponents({ setup, proc, apiserver: ['load-balancer'], client: kubeletClient, log }),
    nodeReadyComponent({ setup, client: kubeletClient, log }, ['kubelet']),
  ];
}
