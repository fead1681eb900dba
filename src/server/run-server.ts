// `rfo server`: the composition root. Resolve config (nothing is written if
// it is invalid), preflight, stage the runtime, PKI, tokens, kubeconfigs and
// component configs, then start etcd → kube-apiserver → controller-manager,
// scheduler → containerd → kubelet, kube-proxy, flanneld, apply manifests,
// and report "rfo is ready". SIGTERM stops everything in reverse order.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { flagTable } from '../config/flags.ts';
import { applyPki, ensureServiceAccountKey } from '../pki/apply-pki.ts';
import { apiServiceIp, planCertSpecs } from '../pki/specs.ts';
import { caHashOf, formatToken, parseToken } from '../join/token.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { renderCorednsManifest } from '../render/coredns-manifest.ts';
import { renderFlannelRbac } from '../render/flannel-rbac.ts';
import { planApiserver, planControllerManager, planEtcd, planScheduler } from '../components/plan-control-plane.ts';
import type { ControlPlaneInput } from '../components/plan-control-plane.ts';
import type { ProcessSpec } from '../components/process-spec.ts';
import { supervise } from '../supervisor/supervisor.ts';
import { recoverLeftovers } from '../supervisor/recover-leftovers.ts';
import type { Supervised } from '../supervisor/supervisor.ts';
import { symlinkAtomic, writeFileAtomic } from '../util/atomic-write.ts';
import { kubectlFor } from '../util/kubectl.ts';
import { imageRecipes } from '../versions/recipes.ts';
import { readHostFacts } from './host-facts.ts';
import { locateRuntime } from './locate-runtime.ts';
import { dnsQuery, httpsGet, waitFor } from './probes.ts';
import { readConfigSources } from './read-config-sources.ts';
import { notifySystemd } from './notify-systemd.ts';
import { startSupervisorApi } from '../api/listener.ts';
import { clusterWideSettings } from '../join/bootstrap-data.ts';
import { createJoinService } from './join-service.ts';
import { fetchBootstrap, joinEtcd, promoteLearner, writeBootstrapFiles } from './join-cluster.ts';
import { watchServers } from './watch-servers.ts';
import { checkNodeInputs, givenToken, list, preflight, requireRoot, settingsFrom, stageRuntime, str } from '../node/prepare-node.ts';
import type { Log, ServerSettings } from '../node/prepare-node.ts';
import { airgapPath, nodeInputFor, startNodeComponents, writeNodeConfigs } from '../node/start-node.ts';
import { readOrMakeNodePassword, writeNodePassword } from '../node/node-password-file.ts';
import type { NodeSetup } from '../node/start-node.ts';
import { checkedSnapshotContext } from '../etcd/snapshot-context.ts';
import { clusterReset } from '../etcd/cluster-reset.ts';
import { startSnapshotScheduler } from '../etcd/snapshot-scheduler.ts';
import type { Scheduler } from '../etcd/snapshot-scheduler.ts';
import { syncSnapshotObjects } from '../etcd/snapshot-objects.ts';

async function ensureToken(s: ServerSettings, caPem: string, clusterAgentPassword?: string): Promise<{ server: string; node: string }> {
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

async function writeKubeconfigs(s: ServerSettings): Promise<{ admin: string }> {
  const tls = s.paths.server.tlsDir;
  const port = Number(s.values['https-listen-port']);
  const server = `https://127.0.0.1:${port}`;
  const ca = await readFile(join(tls, 'server-ca.crt'), 'utf8');
  const kc = async (client: string) =>
    renderKubeconfig({ server, caPem: ca, certPem: await readFile(join(tls, `client-${client}.crt`), 'utf8'), keyPem: await readFile(join(tls, `client-${client}.key`), 'utf8') });
  const admin = join(s.paths.server.credDir, 'admin.kubeconfig');
  const adminConfig = await kc('admin');
  await writeFileAtomic(admin, adminConfig, 0o600);
  await writeFileAtomic(join(s.paths.server.credDir, 'controller.kubeconfig'), await kc('controller'), 0o600);
  await writeFileAtomic(join(s.paths.server.credDir, 'scheduler.kubeconfig'), await kc('scheduler'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'kubelet.kubeconfig'), await kc('kubelet'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'kubeproxy.kubeconfig'), await kc('kube-proxy'), 0o600);
  await writeFileAtomic(join(s.paths.agent.dir, 'flannel.kubeconfig'), await kc('flannel'), 0o600);
  // The seed documents both names; write the same admin kubeconfig to each.
  await writeFileAtomic(s.kubeconfigOut, adminConfig, s.kubeconfigMode);
  if (s.kubeconfigOut.endsWith('.yaml')) await writeFileAtomic(s.kubeconfigOut.replace(/\.yaml$/, '.yml'), adminConfig, s.kubeconfigMode);
  return { admin };
}

/** Names, sizes and mtimes of the manifests: cheap to compute, changes when a file does. */
async function manifestSignature(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (!/\.(ya?ml|json)$/.test(name)) continue;
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st) parts.push(`${name}:${st.size}:${st.mtimeMs}`);
  }
  return parts.join('|');
}

/** K3s deploy-controller semantics: every manifest in the directory is re-applied when any changes. */
function watchManifests(dir: string, initial: string, apply: () => Promise<void>, log: Log, intervalMs = 5000): NodeJS.Timeout {
  let last = initial;
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    void manifestSignature(dir)
      .then(async (sig) => {
        if (sig !== last && sig !== '') {
          last = sig;
          await apply();
        }
      })
      // A failed apply (kubectl missing, apiserver down) is logged; the watcher keeps going.
      .catch((err: unknown) => log(`manifest watcher: ${(err as Error).message}`))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
}

export interface RunningServer {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
  /** Set after --cluster-reset: rfo did the reset and exits with this message. */
  readonly resetMessage?: string;
}

export async function startServer(args: readonly string[], env: NodeJS.ProcessEnv, log: Log): Promise<RunningServer> {
  const started = Date.now();
  const resolved = resolveConfig(await readConfigSources('server', args, env));
  if (!resolved.ok) {
    throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`, { hint: 'fix the keys named above; nothing was started or written' });
  }
  for (const w of resolved.options.warnings) log(`WARNING: ${w}`);
  if (resolved.options.values.debug === true) {
    for (const [key, origin] of Object.entries(resolved.options.origins)) {
      if (origin === 'default') continue;
      const secret = flagTable.find((f) => f.name === key)?.secret === true;
      log(`debug: ${key}=${secret ? '<hidden>' : JSON.stringify(resolved.options.values[key])} (from ${origin})`);
    }
  }
  const facts = await readHostFacts();
  requireRoot(facts);
  const s = settingsFrom(resolved.options.values, facts);
  // Snapshot settings are checked before anything is written (S3, cron, a restore path without --cluster-reset).
  const snapshots = checkedSnapshotContext(s.values, log, s.nodeName);
  const runtime = await locateRuntime(str(s.values['runtime-dir']) || undefined);
  // What an earlier rfo of this run dir left (kill -9, OOM): refuse if it lives, else stop it and start fresh.
  // Creates nothing (a joining server writes nothing before its checks); it only stops a dead rfo's processes and removes their pid files.
  checkNodeInputs(s);
  await recoverLeftovers(s.paths.run.dir, log);
  // A server joining a cluster (server: set, no etcd data yet) checks the
  // cluster's CA, token and settings before anything is written.
  const joinUrl = str(s.values.server);
  const joining = joinUrl !== '' && !existsSync(join(s.paths.server.etcdDataDir, 'member'));
  // A server proves its node name with a node password, as agents do (written below, once the join is accepted).
  const nodePassword = await readOrMakeNodePassword(s.paths.agent.dir);
  const self = { name: s.nodeName, password: nodePassword.password, ips: [s.nodeIp, ...list(s.values['node-external-ip'])] };
  const cluster = joining ? await fetchBootstrap(joinUrl, await givenToken(s, 'token'), s.values, await givenToken(s, 'agent-token'), self, log) : undefined;
  if (joining) log(`joining the cluster of ${joinUrl}: CA verified, settings match`);
  // killall finds this instance's rfo by this file (several may share a host); written
  // before preflight, so a second rfo started from now on is refused by recoverLeftovers.
  await mkdir(s.paths.run.dir, { recursive: true });
  await writeFileAtomic(join(s.paths.run.dir, 'rfo.pid'), `${process.pid}\n`);
  await preflight(s, facts, log, [
    [Number(s.values['https-listen-port']), 'kube-apiserver'],
    [Number(s.values['supervisor-port']), 'rfo supervisor'],
    [2379, 'etcd client'],
    [2380, 'etcd peer'],
    [10250, 'kubelet'],
  ]);

  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  log(`rfo ${runtime.manifest.rfoVersion} starting node ${s.nodeName} (${s.nodeIp}), data dir ${s.paths.roots.dataDir}`);
  const staged = await stageRuntime(runtime.dir, runtime.manifest.key, s.paths);
  const bin = s.paths.binLink;

  const tlsDir = s.paths.server.tlsDir;
  if (cluster) await writeBootstrapFiles(tlsDir, cluster.data);
  if (nodePassword.isNew) await writeNodePassword(s.paths.agent.dir, nodePassword.password);
  const pki = await applyPki(
    tlsDir,
    planCertSpecs({
      nodeName: s.nodeName,
      nodeIps: [s.nodeIp, ...list(s.values['node-external-ip'])],
      tlsSans: list(s.values['tls-san']),
      serviceCidr: str(s.values['service-cidr']),
      clusterDomain: str(s.values['cluster-domain']),
    }),
    new Date(),
  );
  const changed = pki.actions.filter((a) => a.action !== 'keep');
  log(changed.length === 0 ? 'PKI: existing certificates kept' : `PKI: ${changed.map((a) => `${a.action} ${a.id}`).join(', ')}`);
  for (const a of pki.actions) if (a.action === 'renew' && a.id.endsWith('-ca')) log(`WARNING: CA ${a.id} ${a.reason ?? 'expires soon'}`);
  await ensureServiceAccountKey(tlsDir);
  const caPem = await readFile(join(tlsDir, 'server-ca.crt'), 'utf8');
  const passwords = await ensureToken(s, caPem, cluster?.data.agentPassword);
  const { admin } = await writeKubeconfigs(s);
  let isReady = false;
  const supervisorPort = Number(s.values['supervisor-port']);
  const httpsPort = Number(s.values['https-listen-port']);
  const etcdClient = { binDir: bin, tlsDir, endpoints: ['https://127.0.0.1:2379'] };
  const joinService = createJoinService({
    tlsDir,
    adminKubeconfig: admin,
    passwords,
    settings: Object.fromEntries(clusterWideSettings.map((k) => [k, str(s.values[k])])),
    serviceCidr: str(s.values['service-cidr']),
    clusterDomain: str(s.values['cluster-domain']),
    etcd: etcdClient,
  });
  const clientCaPem = await readFile(join(tlsDir, 'client-ca.crt'), 'utf8');
  const api = await startSupervisorApi({
    host: str(s.values['bind-address']),
    port: supervisorPort,
    certPem: await readFile(join(tlsDir, 'serving-supervisor.crt'), 'utf8'),
    keyPem: await readFile(join(tlsDir, 'serving-supervisor.key'), 'utf8'),
    state: {
      caPem,
      passwords,
      ready: () => isReady,
      agentConfig: () => {
        const ips = joinService.serverIps();
        const servers = ips.length > 0 ? ips : [s.nodeIp];
        return {
          'cluster-cidr': str(s.values['cluster-cidr']),
          'service-cidr': str(s.values['service-cidr']),
          'cluster-dns': str(s.values['cluster-dns']),
          'cluster-domain': str(s.values['cluster-domain']),
          servers: servers.map((ip) => `https://${ip}:${supervisorPort}`),
          apiservers: servers.map((ip) => `${ip}:${httpsPort}`),
          'client-ca': clientCaPem,
        };
      },
      issueNodeCert: joinService.issueNodeCert,
      checkNodePassword: joinService.checkNodePassword,
      bootstrap: joinService.bootstrap,
      etcdMembers: joinService.etcdMembers,
      identityRules: { serviceIp: apiServiceIp(str(s.values['service-cidr'])), clusterDomain: str(s.values['cluster-domain']) },
      servers: joinService.servers,
    },
    log,
  });
  log(`supervisor API listening on ${str(s.values['bind-address'])}:${supervisorPort}`);

  const logsDir = s.paths.agent.logsDir;
  const cp: ControlPlaneInput = {
    binDir: bin,
    tlsDir,
    credDir: s.paths.server.credDir,
    etcdDataDir: s.paths.server.etcdDataDir,
    logsDir,
    nodeName: s.nodeName,
    nodeIp: s.nodeIp,
    advertiseAddress: str(s.values['advertise-address']) || s.nodeIp,
    bindAddress: str(s.values['bind-address']),
    httpsPort: Number(s.values['https-listen-port']),
    etcdClientPort: 2379,
    etcdPeerPort: 2380,
    clusterCidr: str(s.values['cluster-cidr']),
    serviceCidr: str(s.values['service-cidr']),
    serviceNodePortRange: str(s.values['service-node-port-range']),
    clusterDomain: str(s.values['cluster-domain']),
    extraArgs: {
      etcd: list(s.values['etcd-arg']),
      'kube-apiserver': list(s.values['kube-apiserver-arg']),
      'kube-controller-manager': list(s.values['kube-controller-manager-arg']),
      'kube-scheduler': list(s.values['kube-scheduler-arg']),
    },
  };
  if (s.values['cluster-reset'] === true) {
    // RKE2's reset/restore: etcd alone, then exit with instructions (src/etcd/cluster-reset.ts).
    api.close();
    const restorePath = s.values['cluster-reset-restore-path'];
    const resetMessage = await clusterReset({
      ctx: snapshots,
      restorePath: typeof restorePath === 'string' ? restorePath : undefined,
      etcdDataDir: s.paths.server.etcdDataDir,
      peerUrl: `https://${s.nodeIp}:${cp.etcdPeerPort}`,
      dataDir: s.paths.roots.dataDir,
      startEtcd: async (extra) => {
        await mkdir(s.paths.server.etcdDataDir, { recursive: true, mode: 0o700 });
        const etcd = supervise(planEtcd({ ...cp, extraArgs: { ...cp.extraArgs, etcd: [...cp.extraArgs.etcd, ...extra] } }), { runDir: s.paths.run.dir, logRotation: s.logRotation, log });
        const tls = { caFile: join(tlsDir, 'etcd/server-ca.crt'), certFile: join(tlsDir, 'etcd/client.crt'), keyFile: join(tlsDir, 'etcd/client.key') };
        await waitFor('etcd', async () => (await httpsGet('https://127.0.0.1:2379/health', tls)).body.includes('"health":"true"'), 120_000).catch(async (err: unknown) => {
          await etcd.stop();
          throw err;
        });
        return () => etcd.stop();
      },
    });
    return { ready: Promise.resolve(), stop: () => Promise.resolve(), resetMessage };
  }
  const node = nodeInputFor(s, bin, str(s.values['cluster-cidr']));
  const nodeSetup: NodeSetup = {
    paths: s.paths,
    facts,
    node,
    kubeletTls: { clientCaFile: join(tlsDir, 'client-ca.crt'), certFile: join(tlsDir, 'serving-kubelet.crt'), keyFile: join(tlsDir, 'serving-kubelet.key') },
    clusterDns: str(s.values['cluster-dns']),
    clusterDomain: str(s.values['cluster-domain']),
    stagedRuntime: staged,
    ...(airgapPath(runtime.manifest) ? { airgapPath: airgapPath(runtime.manifest) } : {}),
    flannel: !list(s.values.cni).includes('none'),
  };
  await writeNodeConfigs(nodeSetup);

  const running: Supervised[] = [];
  let stopped = false;
  const start = (spec: ProcessSpec) => {
    // A stop (SIGTERM/SIGHUP during startup) must not be followed by a start that nobody stops.
    if (stopped) throw new Error(`not starting ${spec.name}: rfo is stopping`);
    for (const key of spec.overridden) log(`${spec.name}: --${key} from your *-arg settings replaces rfo's default`);
    log(`starting ${spec.name} (${elapsed()})`);
    running.push(
      supervise(spec, {
        runDir: s.paths.run.dir,
        logRotation: s.logRotation,
        log,
        events: { onExit: (name, code, signal, restartIn) => restartIn !== undefined && log(`${name} exited (${code ?? signal}); restarting in ${restartIn} ms — see ${spec.logFile}`) },
      }),
    );
  };
  let manifestTimer: NodeJS.Timeout | undefined;
  let membersTimer: { stop(): void } | undefined;
  let snapshotScheduler: Scheduler | undefined;
  const stop = async () => {
    stopped = true;
    snapshotScheduler?.stop();
    if (manifestTimer) clearInterval(manifestTimer);
    membersTimer?.stop();
    api.close();
    for (const p of [...running].reverse()) await p.stop();
  };

  const clientTls = (cert: string) => ({ caFile: join(tlsDir, cert === 'etcd' ? 'etcd/server-ca.crt' : 'server-ca.crt'), certFile: join(tlsDir, cert === 'etcd' ? 'etcd/client.crt' : 'client-admin.crt'), keyFile: join(tlsDir, cert === 'etcd' ? 'etcd/client.key' : 'client-admin.key') });
  const runKubectl = kubectlFor(bin, admin);
  const kubectl = (...a: string[]) => runKubectl(a);

  /** One place that declares the server ready: the API's readyz, the log line, systemd. */
  const markReady = async (detail: string, systemdStatus: string) => {
    isReady = true;
    // Scheduled snapshots and the ETCDSnapshotFile view start once the cluster serves.
    // In the background: a slow or unreachable S3 must not delay readiness.
    void syncSnapshotObjects(snapshots, admin).catch((err: unknown) => log(`ETCDSnapshotFile objects not updated: ${(err as Error).message}`));
    if (s.values['etcd-disable-snapshots'] !== true) {
      snapshotScheduler = startSnapshotScheduler(snapshots, {
        cron: str(s.values['etcd-snapshot-schedule-cron']),
        name: str(s.values['etcd-snapshot-name']),
        compress: s.values['etcd-snapshot-compress'] === true,
        retention: Number(s.values['etcd-snapshot-retention']),
        s3Retention: Number(s.values['etcd-s3-retention']),
        kubeconfig: admin,
      });
    }
    log(`rfo is ready (${elapsed()})${detail}`);
    await notifySystemd(env, systemdStatus, log);
  };

  const ready = (async () => {
    try {
      await mkdir(s.paths.server.etcdDataDir, { recursive: true, mode: 0o700 });
      const peerUrl = `https://${s.nodeIp}:2380`;
      if (cluster) {
        const remote = { ...etcdClient, endpoints: cluster.members.filter((m) => !m.isLearner).flatMap((m) => m.clientUrls) };
        const initialCluster = await joinEtcd(remote, cluster.members, s.nodeName, peerUrl, log);
        start(planEtcd({ ...cp, etcdJoin: { initialCluster } }));
        await promoteLearner(remote, peerUrl, log);
      } else start(planEtcd(cp));
      await waitFor('etcd', async () => (await httpsGet('https://127.0.0.1:2379/health', clientTls('etcd'))).body.includes('"health":"true"'), 120_000);
      start(planApiserver(cp));
      await waitFor('kube-apiserver', async () => (await httpsGet(`https://127.0.0.1:${cp.httpsPort}/readyz`, clientTls('admin'))).status === 200, 180_000);
      log(`kube-apiserver ready (${elapsed()})`);
      await joinService.refreshMembers().catch(() => undefined);
      // Register this server's node password (a no-op when it is registered
      // already): until then an agent could take the name and its kubelet identity.
      let ownName: boolean | undefined;
      await waitFor('node password registration', async () => (ownName = await joinService.ensureNodePassword(s.nodeName, nodePassword.password)) !== undefined, 60_000, 1000);
      if (!ownName) {
        throw new RfoError('RFO_JOIN_FORBIDDEN', `node name ${s.nodeName} is registered with a different node password: another node uses this server's name`, {
          hint: `stop the other node, or if it is gone: kubectl -n kube-system delete secret ${s.nodeName}.node-password.rfo; then start rfo again`,
        });
      }
      membersTimer = watchServers(joinService, await joinService.kubeClient(), { name: s.nodeName, password: nodePassword.password }, log);
      start(planControllerManager(cp));
      start(planScheduler(cp));
      await writeFileAtomic(join(s.paths.server.dir, 'etc', 'flannel-rbac.yaml'), renderFlannelRbac());
      const applied = await kubectl('apply', '-f', join(s.paths.server.dir, 'etc', 'flannel-rbac.yaml'));
      if (applied.code !== 0) throw new Error(`applying flannel RBAC failed: ${applied.stderr}`);

      await startNodeComponents(nodeSetup, start, log, elapsed);
      const ownCni = !nodeSetup.flannel;

      const disabled = new Set(list(s.values.disable));
      await mkdir(s.paths.server.manifestsDir, { recursive: true });
      const corednsPath = join(s.paths.server.manifestsDir, 'rfo-coredns.yaml');
      const corednsImage = imageRecipes.find((i) => i.component === 'coredns')?.ref ?? '';
      if (!disabled.has('rfo-coredns')) {
        await writeFileAtomic(corednsPath, renderCorednsManifest({ image: corednsImage, clusterDns: str(s.values['cluster-dns']), clusterDomain: str(s.values['cluster-domain']) }));
      } else await rm(corednsPath, { force: true });
      const apply = await kubectl('apply', '-f', s.paths.server.manifestsDir);
      if (apply.code !== 0 && !apply.stderr.includes('no objects passed')) log(`applying manifests: ${apply.stderr.trim()}`);
      manifestTimer = watchManifests(s.paths.server.manifestsDir, await manifestSignature(s.paths.server.manifestsDir), async () => {
        const r = await kubectl('apply', '-f', s.paths.server.manifestsDir);
        log(r.code === 0 ? `manifests re-applied: ${r.stdout.trim().split('\n').length} object(s)` : `applying manifests failed: ${r.stderr.trim()}`);
      }, log);

      if (ownCni) {
        // With cni: none the node stays NotReady (and CoreDNS Pending) until the user installs a CNI.
        await waitFor('node registration', async () => (await kubectl('get', 'node', s.nodeName)).code === 0, 300_000, 1000);
        await markReady(`; cni: none, so node ${s.nodeName} is NotReady until you install a CNI`, 'rfo is ready (waiting for a CNI)');
        return;
      }
      await waitFor(
        'node Ready',
        async () => (await kubectl('get', 'node', s.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).stdout.trim() === 'True',
        300_000,
        1000,
      );
      log(`node ${s.nodeName} Ready (${elapsed()})`);
      if (!disabled.has('rfo-coredns')) {
        await waitFor('CoreDNS', async () => (await dnsQuery(str(s.values['cluster-dns']), `kubernetes.default.svc.${str(s.values['cluster-domain'])}`)) > 0, 300_000, 1000);
      }
      await markReady('', `rfo is ready: node ${s.nodeName}`);
    } catch (err) {
      await stop();
      throw err;
    }
  })();
  return { ready, stop };
}

