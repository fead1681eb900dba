// `rfo server`: the composition root. Resolve config (nothing is written if
// it is invalid), plan (`--dry-run` prints the plan and stops here),
// preflight, stage the runtime, PKI, tokens and kubeconfigs, then hand the
// component list (server-components.ts) to the component manager and report
// "rfo is ready". SIGTERM stops everything in reverse order.

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { flagTable } from '../config/flags.ts';
import { applyPki, ensureServiceAccountKey, writeUnchainedCas } from '../pki/apply-pki.ts';
import { apiServiceIp } from '../pki/specs.ts';
import { certIssueOffsetDays, certIssueTime, issueOffsetVariable } from '../pki/issue-clock.ts';
import { planEtcd } from '../components/plan-control-plane.ts';
import { supervise } from '../supervisor/supervisor.ts';
import { recoverLeftovers } from '../supervisor/recover-leftovers.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { readHostFacts } from '../host/host-facts.ts';
import { locateRuntime } from '../runtime/locate-runtime.ts';
import { readRegisteredNodeIps } from '../join/node-ips.ts';
import { readNodeVersions, runtimeEtcdVersion, writeNodeVersions } from './node-versions.ts';
import { planVersionSkew } from '../versions/plan-version-skew.ts';
import { httpsGet, waitFor } from '../host/probes.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { notifySystemd } from '../host/notify-systemd.ts';
import { startSupervisorApi } from '../api/listener.ts';
import { createEncryptionService } from '../secrets/encryption-service.ts';
import { memberHealthy } from '../etcd/etcdctl.ts';
import { encryptionRoutes } from '../secrets/encryption-routes.ts';
import { clusterWideSettings } from '../join/bootstrap-data.ts';
import { createJoinService } from '../join/join-service.ts';
import { caRotationPath, caRotationRoute } from '../join/ca-rotation-route.ts';
import { fetchBootstrap, writeBootstrapFiles } from '../join/join-cluster.ts';
import { checkNodeInputs, givenToken, preflight, requireRoot, settingsFrom, stageRuntime, str } from './prepare-node.ts';
import type { Log } from './prepare-node.ts';
import { airgapPath, writeNodeConfigs } from './node-setup.ts';
import { readRegistries } from './read-registries.ts';
import { applyHostNetwork } from '../host/host-network.ts';
import { hostNetworkOptions } from './host-network-options.ts';
import { readOrMakeNodePassword, writeNodePassword } from '../join/node-password-file.ts';
import type { NodeSetup } from './node-setup.ts';
import { checkedSnapshotContext } from '../etcd/snapshot-context.ts';
import { clusterReset } from '../etcd/cluster-reset.ts';
import { startSnapshotScheduler } from '../etcd/snapshot-scheduler.ts';
import type { Scheduler } from '../etcd/snapshot-scheduler.ts';
import { syncSnapshotObjects } from '../etcd/snapshot-objects.ts';
import { manageComponents } from '../lifecycle/manager.ts';
import { planStartOrder } from '../lifecycle/plan-start-order.ts';
import { preflightNetworkPolicy } from './preflight-network-policy.ts';
import { resolveServerSettings } from './resolve-server-settings.ts';
import { planServer } from './plan-server.ts';
import { renderNodePlan } from './render-plan.ts';
import { serverComponents } from './server-components.ts';
import { ensureToken, writeKubeconfigs } from './server-credentials.ts';
import { checkIntervalMs } from './cert-renewal.ts';
import { serverCertCheck, serverCertFiles } from './server-cert-check.ts';
import { readCertExpiries } from '../pki/read-cert-expiry.ts';
import { readCisHostFacts, requireCisHost } from '../host/cis-host.ts';
import { etcdAccount, planCisHostCheck } from '../host/plan-cis-host.ts';
import { restrictFileModes } from '../util/atomic-write.ts';
import { allowEtcdTraversal, tightenFileModes, writeCisServerFiles } from './cis-profile.ts';
import { cisServerFiles } from './cis-files.ts';
import { renderCertMetrics } from '../pki/render-cert-metrics.ts';

export interface RunningServer {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
  /** Set after --cluster-reset: rfo did the reset and exits with this message. */
  readonly resetMessage?: string;
  /** Set with --dry-run: the plan, printed instead of running it. */
  readonly dryRun?: string;
}

export async function startServer(args: readonly string[], env: NodeJS.ProcessEnv, log: Log): Promise<RunningServer> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const resolved = resolveConfig(await readConfigSources('server', args, env));
  if (!resolved.ok) {
    throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`, { hint: 'fix the keys named above; nothing was started or written' });
  }
  for (const w of resolved.options.warnings) log(`WARNING: ${w}`);
  // Checked before anything is written; see pki/issue-clock.ts.
  const offset = certIssueOffsetDays(env);
  if (offset !== 0) log(`WARNING: ${issueOffsetVariable}=${offset} is set (tests only): certificates are issued as if it were ${offset} days from now`);
  if (resolved.options.values.debug === true) {
    for (const [key, origin] of Object.entries(resolved.options.origins)) {
      if (origin === 'default') continue;
      const secret = flagTable.find((f) => f.name === key)?.secret === true;
      log(`debug: ${key}=${secret ? '<hidden>' : JSON.stringify(resolved.options.values[key])} (from ${origin})`);
    }
  }
  const facts = await readHostFacts();
  const s = settingsFrom(resolved.options.values, facts);
  const config = resolveServerSettings(s.values, s.nodeIp);
  if (!config.dryRun) requireRoot(facts);
  // profile: cis: the host is checked before anything is written (sysctls, the etcd account), each problem with its fix.
  const cis = config.profile === 'cis';
  const cisFacts = cis ? await readCisHostFacts() : undefined;
  if (cisFacts && !config.dryRun) requireCisHost('server', cisFacts);
  const etcdUser = cisFacts ? etcdAccount(cisFacts) : undefined;
  await preflightNetworkPolicy(config.networkPolicy, log);
  // Snapshot settings are checked before anything is written (S3, cron, a restore path without --cluster-reset).
  const snapshots = checkedSnapshotContext(s.values, log, s.nodeName);
  const runtime = await locateRuntime(str(s.values['runtime-dir']) || undefined);
  checkNodeInputs(s);
  const registries = await readRegistries(str(s.values['private-registry']), log);
  const membersFile = join(s.paths.server.dir, 'db', 'etcd-members');
  const knownEtcdMembers = await readFile(membersFile, 'utf8').then((t) => Number(t.trim()) || undefined, () => undefined);
  const plan = planServer({ s, config, manifest: runtime.manifest, ...(knownEtcdMembers ? { knownEtcdMembers } : {}), ...(etcdUser ? { etcdUser } : {}) });
  const setup: NodeSetup = {
    paths: s.paths,
    facts,
    node: plan.node,
    kubeletTls: { clientCaFile: join(s.paths.server.tlsDir, 'client-ca.crt'), certFile: join(s.paths.server.tlsDir, 'serving-kubelet.crt'), keyFile: join(s.paths.server.tlsDir, 'serving-kubelet.key') },
    clusterDns: config.clusterDns,
    clusterDomain: config.clusterDomain,
    stagedRuntime: s.paths.runtimeDir(runtime.manifest.key),
    ...(airgapPath(runtime.manifest) ? { airgapPath: airgapPath(runtime.manifest) } : {}),
    flannel: config.flannel,
    sandboxImage: plan.images.sandbox,
    ...(cis ? { hardened: true } : {}),
    registries,
    disableDefaultRegistryEndpoint: s.values['disable-default-registry-endpoint'] === true,
  };
  const joining = config.joinUrl !== '' && !existsSync(join(s.paths.server.etcdDataDir, 'member'));
  // An in-place upgrade (a newer release, same data dir) is checked against what this node ran last.
  const versionsFile = join(s.paths.server.dir, 'db', 'versions.json');
  const previous = await readNodeVersions(versionsFile);
  const etcdVersion = runtimeEtcdVersion(runtime.manifest);
  const skewFor = (servers: readonly string[]) =>
    planVersionSkew({
      role: 'server',
      kubernetes: runtime.manifest.kubernetesVersion,
      servers,
      ...(previous ? { previous: previous.kubernetes } : {}),
      ...(etcdVersion ? { etcd: etcdVersion } : {}),
      ...(previous?.etcd ? { etcdData: previous.etcd } : {}),
    });
  for (const note of skewFor([])) log(note);
  if (config.dryRun) {
    const stages = planStartOrder(serverComponents.declare({ s, config, plan, setup, log }));
    return { ready: Promise.resolve(), stop: () => Promise.resolve(), dryRun: renderNodePlan({
        role: 'server',
        nodeName: s.nodeName,
        nodeIp: s.nodeIp,
        runtime,
        facts,
        stages: stages.ok ? stages.stages : [],
        processes: plan.processes,
        files: plan.files,
        certificates: plan.certificates,
        certificatesDir: s.paths.server.tlsDir,
        addons: plan.addons,
        ...(joining ? { joins: `${config.joinUrl} (etcd joins as a learner, then is promoted)` } : {}),
        warnings: [...plan.warnings, ...(cisFacts ? planCisHostCheck('server', cisFacts).map((i) => `profile: cis: ${i.what}; fix: ${i.fix}`) : [])],
      }) };
  }
  // What an earlier rfo of this run dir left (kill -9, OOM): refuse if it lives, else stop it and start fresh.
  // Creates nothing (a joining server writes nothing before its checks); it only stops a dead rfo's processes and removes their pid files.
  await recoverLeftovers(s.paths.run.dir, log);
  for (const w of plan.warnings) if (w.startsWith('disable:') || w.startsWith('network-policy:')) log(`WARNING: ${w}`);
  // A server joining a cluster (server: set, no etcd data yet) checks the
  // cluster's CA, token and settings before anything is written.
  // A server proves its node name with a node password, as agents do (written below, once the join is accepted).
  const nodePassword = await readOrMakeNodePassword(s.paths.agent.dir);
  const self = { name: s.nodeName, password: nodePassword.password, ips: [s.nodeIp, ...config.nodeExternalIps] };
  const cluster = joining ? await fetchBootstrap(config.joinUrl, await givenToken(s, 'token'), s.values, await givenToken(s, 'agent-token'), self, log, (v) => skewFor(v ? [v] : [])) : undefined;
  if (joining) log(`joining the cluster of ${config.joinUrl}: CA verified, settings match`);
  // profile: cis: every file written from here on is for its owner only (util/atomic-write.ts).
  restrictFileModes(cis);
  // killall finds this instance's rfo by this file (several may share a host); written
  // before preflight, so a second rfo started from now on is refused by recoverLeftovers.
  await mkdir(s.paths.run.dir, { recursive: true });
  await writeFileAtomic(join(s.paths.run.dir, 'rfo.pid'), `${process.pid}\n`);
  await preflight(s, facts, log, plan.ports);
  // NetworkManager and firewalld, where they run, before any interface or port of rfo's exists.
  await applyHostNetwork(
    hostNetworkOptions(s, { role: 'server', clusterCidr: config.clusterCidr, serviceCidr: config.serviceCidr, nodePortRange: config.serviceNodePortRange, httpsPort: config.httpsPort, supervisorPort: config.supervisorPort, flannel: config.flannel }, log),
  );

  log(`rfo ${runtime.manifest.rfoVersion} starting node ${s.nodeName} (${s.nodeIp}), data dir ${s.paths.roots.dataDir}`);
  await stageRuntime(runtime.dir, runtime.manifest.key, s.paths);
  const tlsDir = s.paths.server.tlsDir;
  if (cluster) await writeBootstrapFiles(tlsDir, cluster.data);
  if (nodePassword.isNew) await writeNodePassword(s.paths.agent.dir, nodePassword.password);
  const pki = await applyPki(tlsDir, plan.certificates, certIssueTime(env));
  const changed = pki.actions.filter((a) => a.action !== 'keep');
  log(changed.length === 0 ? 'PKI: existing certificates kept' : `PKI: ${changed.map((a) => `${a.action} ${a.id}`).join(', ')}`);
  for (const a of pki.actions) if (a.action === 'renew' && a.id.endsWith('-ca')) log(`WARNING: CA ${a.id} ${a.reason ?? 'expires soon'}`);
  await ensureServiceAccountKey(tlsDir);
  await writeUnchainedCas(tlsDir);
  const caPem = await readFile(join(tlsDir, 'server-ca.crt'), 'utf8');
  const passwords = await ensureToken(s, caPem, cluster?.data.agentPassword);
  const { admin } = await writeKubeconfigs(s, config.httpsPort);
  if (cis) {
    await writeCisServerFiles(cisServerFiles(s.paths));
    const tightened = await tightenFileModes(s.paths, join(s.paths.cniConfDir, '10-rfo.conflist'));
    if (tightened.length > 0) log(`profile: cis: ${tightened.length} file(s) an earlier start left readable by others are now 0600`);
  }
  const proc = { runDir: s.paths.run.dir, logRotation: s.logRotation, log };

  if (config.clusterReset) {
    // RKE2's reset/restore: etcd alone, then exit with instructions (src/etcd/cluster-reset.ts).
    const cp = plan.controlPlane;
    const resetMessage = await clusterReset({
      ctx: snapshots,
      restorePath: config.clusterResetRestorePath,
      etcdDataDir: s.paths.server.etcdDataDir,
      peerUrl: `https://${s.nodeIp}:${cp.etcdPeerPort}`,
      dataDir: s.paths.roots.dataDir,
      startEtcd: async (extra) => {
        await mkdir(s.paths.server.etcdDataDir, { recursive: true, mode: 0o700 });
        if (cis) await allowEtcdTraversal(s.paths);
        const etcd = supervise(planEtcd({ ...cp, extraArgs: { ...cp.extraArgs, etcd: [...cp.extraArgs.etcd, ...extra] } }), proc);
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

  let isReady = false;
  const etcdClient = { binDir: s.paths.binLink, tlsDir, endpoints: ['https://127.0.0.1:2379'] };
  let knownMembers = knownEtcdMembers;
  const joinService = createJoinService({
    tlsDir,
    adminKubeconfig: admin,
    passwords,
    settings: Object.fromEntries(clusterWideSettings.map((k) => [k, str(s.values[k])])),
    serviceCidr: config.serviceCidr,
    clusterDomain: config.clusterDomain,
    etcd: etcdClient,
    // etcd's raft timing at the next start depends on whether it is the only member (plan-control-plane.ts).
    onMembers: (count) => {
      if (count === knownMembers) return;
      knownMembers = count;
      void writeFileAtomic(membersFile, `${count}\n`).catch((err: unknown) => log(`could not record the etcd member count: ${(err as Error).message}`));
    },
  });
  // One admin client for rfo's own API traffic, made once the kubeconfig exists.
  const adminClient = () => joinService.kubeClient();
  /** The other servers (voting etcd members, read live), at the supervisor port every server of a cluster shares. */
  const otherServers = async () =>
    (await joinService.refreshMembers())
      .filter((m) => m.name !== s.nodeName && !m.isLearner && m.peerUrls[0])
      .map((m) => {
        const host = new URL(m.peerUrls[0] ?? '').hostname; // IPv6 stays bracketed
        return { name: m.name, url: `https://${host}:${config.supervisorPort}` };
      });
  const encryption = createEncryptionService({
    credDir: s.paths.server.credDir,
    etcd: etcdClient,
    serverPassword: passwords.server,
    nodeName: s.nodeName,
    provider: config.secretsEncryptionProvider,
    enabledForNew: config.secretsEncryption,
    adminClient,
    peers: otherServers,
    peerDown: async (name) => {
      const member = (await joinService.etcdMembers()).find((m) => m.name === name);
      return !member || !(await memberHealthy(etcdClient, member));
    },
    caPem,
    log,
  });
  const clientCaPem = await readFile(join(tlsDir, 'client-ca.crt'), 'utf8');
  const api = await startSupervisorApi({
    host: config.bindAddress,
    port: config.supervisorPort,
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
          'cluster-cidr': config.clusterCidr,
          'service-cidr': config.serviceCidr,
          'cluster-dns': config.clusterDns,
          'cluster-domain': config.clusterDomain,
          'service-node-port-range': config.serviceNodePortRange,
          servers: servers.map((ip) => `https://${ip}:${config.supervisorPort}`),
          apiservers: servers.map((ip) => `${ip}:${config.httpsPort}`),
          'client-ca': clientCaPem,
          // Agents run flanneld only when the cluster does (cni: none reaches them too).
          cni: config.flannel ? ['flannel'] : ['none'],
          // Joining agents and servers check the version skew against it before they write anything.
          'kubernetes-version': runtime.manifest.kubernetesVersion,
        };
      },
      issueNodeCert: joinService.issueNodeCert,
      checkNodePassword: joinService.checkNodePassword,
      bootstrap: joinService.bootstrap,
      etcdMembers: joinService.etcdMembers,
      identityRules: { serviceIp: apiServiceIp(config.serviceCidr), clusterDomain: config.clusterDomain },
      servers: joinService.servers,
      registeredNodeIps: async () => readRegisteredNodeIps(await adminClient()),
      metrics: async () => renderCertMetrics(await readCertExpiries(serverCertFiles(tlsDir, plan.certificates, s.paths.kubeletDir)), s.nodeName),
      serverRoutes: {
        ...encryptionRoutes(encryption),
        [`PUT ${caRotationPath}`]: caRotationRoute({
          tlsDir,
          log,
          caPem,
          serverPassword: passwords.server,
          peers: async () => (await otherServers()).map((p) => p.url),
        }),
      },
    },
    log,
  });
  log(`supervisor API listening on ${config.bindAddress}:${config.supervisorPort}`);

  await writeNodeConfigs(setup);

  // The certificate check restarts components through the manager made below (it first runs once they started).
  let restartComponent: (name: string) => Promise<void> = () => Promise.reject(new Error('components not started yet'));
  const certRenewal = {
    intervalMs: checkIntervalMs(env),
    check: () =>
      serverCertCheck({
        s,
        specs: plan.certificates,
        httpsPort: config.httpsPort,
        adminClient,
        reloadSupervisor: (cert: string, key: string) => api.setSecureContext({ cert, key }),
        restart: (name: string) => restartComponent(name),
        running: new Set(plan.processes.map((p) => p.name)),
      }),
  };
  const managed = manageComponents(
    serverComponents.build({ s, config, plan, setup, proc, log, elapsed, adminClient, joinService, etcdClient, encryption, cluster, self: { name: s.nodeName, password: nodePassword.password }, certRenewal }),
    { log, elapsed },
  );
  restartComponent = (name) => managed.restart(name);

  let snapshotScheduler: Scheduler | undefined;
  const stop = async () => {
    snapshotScheduler?.stop();
    api.close();
    await managed.stop();
  };
  const ready = (async () => {
    try {
      await managed.ready;
    } catch (err) {
      api.close();
      throw err;
    }
    isReady = true;
    await writeNodeVersions(versionsFile, { kubernetes: runtime.manifest.kubernetesVersion, ...(etcdVersion ? { etcd: etcdVersion } : {}) }).catch((err: unknown) => log(`could not record the versions this node runs: ${(err as Error).message}`));
    // Scheduled snapshots and the ETCDSnapshotFile view start once the cluster serves.
    // In the background: a slow or unreachable S3 must not delay readiness.
    void syncSnapshotObjects(snapshots, admin).catch((err: unknown) => log(`ETCDSnapshotFile objects not updated: ${(err as Error).message}`));
    if (config.snapshots.enabled) {
      snapshotScheduler = startSnapshotScheduler(snapshots, { ...config.snapshots, kubeconfig: admin });
    }
    const detail = config.flannel ? '' : `; cni: none, so node ${s.nodeName} is NotReady until you install a CNI`;
    log(`rfo is ready (${elapsed()})${detail}`);
    await notifySystemd(env, config.flannel ? `rfo is ready: node ${s.nodeName}` : 'rfo is ready (waiting for a CNI)', log);
  })();
  return { ready, stop };
}
