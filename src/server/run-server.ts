// `rfo server`: the composition root. Resolve config (nothing is written if
// it is invalid), preflight, stage the runtime, PKI, tokens, kubeconfigs and
// component configs, then start etcd → kube-apiserver → controller-manager,
// scheduler → containerd → kubelet, kube-proxy, flanneld, apply manifests,
// and report "rfo is ready". SIGTERM stops everything in reverse order.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { placeFile } from '../build/place-file.ts';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { flagTable } from '../config/flags.ts';
import type { FlagValue } from '../config/resolve-config.ts';
import { planPaths } from '../paths/paths.ts';
import type { Paths } from '../paths/paths.ts';
import { applyPki, ensureServiceAccountKey } from '../pki/apply-pki.ts';
import { planCertSpecs } from '../pki/specs.ts';
import { caHashOf, formatToken, parseToken } from '../join/token.ts';
import { renderKubeconfig } from '../render/kubeconfig.ts';
import { renderContainerdConfig } from '../render/containerd-config.ts';
import { renderKubeletConfig } from '../render/kubelet-config.ts';
import { parseSubnetEnv, renderCniConflist } from '../render/cni-config.ts';
import { renderCorednsManifest } from '../render/coredns-manifest.ts';
import { renderFlannelRbac } from '../render/flannel-rbac.ts';
import { planApiserver, planControllerManager, planEtcd, planScheduler } from '../components/plan-control-plane.ts';
import type { ControlPlaneInput } from '../components/plan-control-plane.ts';
import { planContainerd, planFlannel, planKubelet, planKubeProxy, renderFlannelNetConf } from '../components/plan-node.ts';
import type { NodeInput } from '../components/plan-node.ts';
import type { ProcessSpec } from '../components/process-spec.ts';
import { supervise } from '../supervisor/supervisor.ts';
import type { Supervised } from '../supervisor/supervisor.ts';
import { symlinkAtomic, writeFileAtomic } from '../util/atomic-write.ts';
import { decompressArchive } from '../util/tar-compression.ts';
import { run } from '../util/exec.ts';
import { imageRecipes } from '../versions/recipes.ts';
import { readHostFacts } from './host-facts.ts';
import type { HostFacts } from './host-facts.ts';
import { locateRuntime } from './locate-runtime.ts';
import { dnsQuery, httpsGet, portFree, waitFor } from './probes.ts';
import { readConfigSources } from './read-config-sources.ts';
import { notifySystemd } from './notify-systemd.ts';
import { startSupervisorApi } from '../api/listener.ts';

export type Log = (message: string) => void;

const str = (v: FlagValue | undefined): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));
const list = (v: FlagValue | undefined): string[] => (Array.isArray(v) ? [...(v as string[])] : []);

export interface ServerSettings {
  readonly values: Readonly<Record<string, FlagValue | undefined>>;
  readonly paths: Paths;
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly kubeconfigOut: string;
  readonly kubeconfigMode: number;
}

function settingsFrom(values: Readonly<Record<string, FlagValue | undefined>>, facts: HostFacts): ServerSettings {
  const nodeIp = list(values['node-ip'])[0] ?? facts.defaultIp;
  if (!nodeIp) throw new RfoError('RFO_CONFIG_INVALID', 'no node IP: the host has no non-loopback IPv4 address', { hint: 'pass --node-ip' });
  const paths = planPaths({
    dataDir: str(values['data-dir']),
    runDir: str(values['run-dir']),
    kubeletDir: str(values['kubelet-dir']),
    cniConfDir: str(values['cni-conf-dir']),
    cniStateDir: '/var/lib/cni',
    podLogDir: '/var/log/pods',
  });
  return {
    values,
    paths,
    nodeName: str(values['node-name']) || facts.hostname,
    nodeIp,
    kubeconfigOut: str(values['write-kubeconfig']),
    kubeconfigMode: parseInt(str(values['write-kubeconfig-mode']), 8),
  };
}

function requireRoot(facts: HostFacts): void {
  if (!facts.isRoot) throw new RfoError('RFO_USAGE', 'rfo server must run as root', { hint: 'run it with sudo, or as the rfo-server systemd service' });
}

/** Present, or loadable with modprobe; otherwise a preflight error naming the module and kernel option. */
async function requireKernelFeature(present: () => Promise<boolean>, module: string, message: string, kernelOption: string): Promise<void> {
  if (await present()) return;
  await run({ cmd: 'modprobe', args: [module] }).catch(() => undefined);
  if (!(await present())) throw new RfoError('RFO_USAGE', message, { hint: `load it (modprobe ${module}) or use a kernel with ${kernelOption}` });
}

async function preflight(s: ServerSettings, facts: HostFacts, log: Log): Promise<void> {
  if (facts.swapOn) throw new RfoError('RFO_USAGE', 'swap is on; kubelet refuses to run with swap', { hint: 'turn swap off: swapoff -a (and remove it from /etc/fstab)' });
  const ports: [number, string][] = [
    [Number(s.values['https-listen-port']), 'kube-apiserver'],
    [Number(s.values['supervisor-port']), 'rfo supervisor'],
    [2379, 'etcd client'],
    [2380, 'etcd peer'],
    [10250, 'kubelet'],
  ];
  for (const [port, what] of ports) {
    if (!(await portFree(port))) {
      const owner = await run({ cmd: 'ss', args: ['-Htlnp', `sport = :${port}`] }).catch(() => undefined);
      throw new RfoError('RFO_USAGE', `port ${port} (${what}) is already in use${owner?.stdout.trim() ? `: ${owner.stdout.trim()}` : ''}`, {
        hint: 'stop the other process (or rfo-killall.sh for a previous rfo), or choose another port',
      });
    }
  }
  const hasOverlay = async () => /\toverlay$/m.test(await readFile('/proc/filesystems', 'utf8').catch(() => ''));
  await requireKernelFeature(hasOverlay, 'overlay', 'the kernel has no overlay file system, which containerd needs', 'CONFIG_OVERLAY_FS');
  const hasBridgeNf = () => Promise.resolve(existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables'));
  await requireKernelFeature(hasBridgeNf, 'br_netfilter', 'bridge netfilter is unavailable: Service traffic between pods on this node would bypass kube-proxy', 'CONFIG_BRIDGE_NETFILTER');
  if (!facts.ipForward) {
    await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    log('net.ipv4.ip_forward was 0; rfo set it to 1 (pods need forwarding). Persist it in /etc/sysctl.d to survive reboots.');
  }
  if (!facts.canLowerOomScore) {
    log('this host withholds CAP_SYS_RESOURCE, so OOM scores cannot be lowered; containerd will keep pod OOM scores at its own (restrict_oom_score_adj)');
  }
  if (facts.cgroupV1) {
    log('WARNING: this host runs cgroup v1. Kubernetes deprecated it in 1.35 and plans to remove it; rfo sets failCgroupV1: false so kubelet still runs. Move the host to cgroup v2 (systemd.unified_cgroup_hierarchy=1) when you can.');
  }
}

/** <data-dir>/data/<key> gets the runtime (hard links); <data-dir>/bin points at it. */
async function stageRuntime(runtimeDir: string, key: string, paths: Paths): Promise<string> {
  const target = paths.runtimeDir(key);
  if (!existsSync(join(target, 'manifest.json'))) {
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    const copyTree = async (from: string, to: string) => {
      await mkdir(to, { recursive: true });
      for (const entry of await readdir(from, { withFileTypes: true })) {
        const src = join(from, entry.name);
        const dst = join(to, entry.name);
        if (entry.isDirectory()) await copyTree(src, dst);
        else if (entry.isSymbolicLink()) await symlink(await readlink(src), dst);
        else await placeFile(src, dst);
      }
    };
    await copyTree(runtimeDir, partial);
    await rename(partial, target);
  }
  await symlinkAtomic(join(target, 'bin'), paths.binLink);
  return target;
}

/** A token given directly or through its -file option (`token`/`token-file`, `agent-token`/`agent-token-file`). */
async function givenToken(s: ServerSettings, key: 'token' | 'agent-token'): Promise<string> {
  const file = str(s.values[`${key}-file`]);
  return str(s.values[key]) || (file ? (await readFile(file, 'utf8')).trim() : '');
}

async function ensureToken(s: ServerSettings, caPem: string): Promise<{ server: string; node: string }> {
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
  const agentPassword = agentGiven ? parseToken(agentGiven).password : password;
  if (agentGiven) {
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
function watchManifests(dir: string, initial: string, apply: () => Promise<void>, intervalMs = 5000): NodeJS.Timeout {
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
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
}

export interface RunningServer {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
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
  const runtime = await locateRuntime(str(s.values['runtime-dir']) || undefined);
  await preflight(s, facts, log);
  // killall finds this instance's rfo by this file (several may share a host).
  await mkdir(s.paths.run.dir, { recursive: true });
  await writeFileAtomic(join(s.paths.run.dir, 'rfo.pid'), `${process.pid}\n`);

  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  log(`rfo ${runtime.manifest.rfoVersion} starting node ${s.nodeName} (${s.nodeIp}), data dir ${s.paths.roots.dataDir}`);
  const staged = await stageRuntime(runtime.dir, runtime.manifest.key, s.paths);
  const bin = s.paths.binLink;

  const tlsDir = s.paths.server.tlsDir;
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
  await ensureServiceAccountKey(tlsDir);
  const caPem = await readFile(join(tlsDir, 'server-ca.crt'), 'utf8');
  const passwords = await ensureToken(s, caPem);
  const { admin } = await writeKubeconfigs(s);
  let isReady = false;
  const supervisorPort = Number(s.values['supervisor-port']);
  const api = await startSupervisorApi({
    host: str(s.values['bind-address']),
    port: supervisorPort,
    certPem: await readFile(join(tlsDir, 'serving-supervisor.crt'), 'utf8'),
    keyPem: await readFile(join(tlsDir, 'serving-supervisor.key'), 'utf8'),
    state: {
      caPem,
      passwords,
      ready: () => isReady,
      agentConfig: () => ({
        'cluster-cidr': str(s.values['cluster-cidr']),
        'service-cidr': str(s.values['service-cidr']),
        'cluster-dns': str(s.values['cluster-dns']),
        'cluster-domain': str(s.values['cluster-domain']),
        servers: [`https://${s.nodeIp}:${supervisorPort}`],
        'apiserver-port': Number(s.values['https-listen-port']),
      }),
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
  const flannelDir = join(s.paths.run.dir, 'flannel');
  const node: NodeInput = {
    binDir: bin,
    logsDir,
    nodeName: s.nodeName,
    nodeIp: s.nodeIp,
    ...(list(s.values['node-external-ip'])[0] ? { nodeExternalIp: list(s.values['node-external-ip'])[0] } : {}),
    containerdConfig: s.paths.agent.containerdConfig,
    kubeletConfig: s.paths.agent.kubeletConfig,
    kubeletKubeconfig: join(s.paths.agent.dir, 'kubelet.kubeconfig'),
    kubeProxyKubeconfig: join(s.paths.agent.dir, 'kubeproxy.kubeconfig'),
    flannelKubeconfig: join(s.paths.agent.dir, 'flannel.kubeconfig'),
    kubeletRootDir: s.paths.kubeletDir,
    flannelNetConf: join(s.paths.agent.etcDir, 'flannel', 'net-conf.json'),
    flannelSubnetFile: join(flannelDir, 'subnet.env'),
    clusterCidr: str(s.values['cluster-cidr']),
    nodeLabels: list(s.values['node-label']),
    nodeTaints: list(s.values['node-taint']),
    extraArgs: { kubelet: list(s.values['kubelet-arg']), 'kube-proxy': list(s.values['kube-proxy-arg']) },
  };
  // The systemd cgroup driver only where systemd runs the host on cgroup v2; cgroupfs elsewhere.
  const systemdCgroup = !facts.cgroupV1 && facts.systemdPid1;
  const sandbox = imageRecipes.find((i) => i.component === 'pause')?.ref ?? 'registry.k8s.io/pause:3.10.2';
  await writeFileAtomic(
    node.containerdConfig,
    renderContainerdConfig({
      root: s.paths.agent.containerdRoot,
      state: s.paths.run.containerdState,
      socket: s.paths.run.containerdSocket,
      binDir: bin,
      cniConfDir: s.paths.cniConfDir,
      sandboxImage: sandbox,
      systemdCgroup,
      restrictOomScoreAdj: !facts.canLowerOomScore,
    }),
  );
  const resolvConf = existsSync('/run/systemd/resolve/resolv.conf') ? '/run/systemd/resolve/resolv.conf' : '/etc/resolv.conf';
  await writeFileAtomic(
    node.kubeletConfig,
    renderKubeletConfig({
      address: '0.0.0.0',
      clientCaFile: join(tlsDir, 'client-ca.crt'),
      tlsCertFile: join(tlsDir, 'serving-kubelet.crt'),
      tlsKeyFile: join(tlsDir, 'serving-kubelet.key'),
      clusterDns: str(s.values['cluster-dns']),
      clusterDomain: str(s.values['cluster-domain']),
      containerdSocket: s.paths.run.containerdSocket,
      resolvConf,
      cgroupDriver: systemdCgroup ? 'systemd' : 'cgroupfs',
      cgroupV1: facts.cgroupV1,
      podLogDir: s.paths.podLogDir,
    }),
  );
  await writeFileAtomic(node.flannelNetConf, renderFlannelNetConf(str(s.values['cluster-cidr'])));
  // crictl (rfo's) reads its endpoint from here, as RKE2's does from agent/etc/crictl.yaml.
  await writeFileAtomic(join(s.paths.agent.etcDir, 'crictl.yaml'), `runtime-endpoint: unix://${s.paths.run.containerdSocket}\n`);

  const running: Supervised[] = [];
  const start = (spec: ProcessSpec) => {
    for (const key of spec.overridden) log(`${spec.name}: --${key} from your *-arg settings replaces rfo's default`);
    log(`starting ${spec.name} (${elapsed()})`);
    running.push(
      supervise(spec, {
        runDir: s.paths.run.dir,
        events: { onExit: (name, code, signal, restartIn) => restartIn !== undefined && log(`${name} exited (${code ?? signal}); restarting in ${restartIn} ms — see ${spec.logFile}`) },
      }),
    );
  };
  let manifestTimer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (manifestTimer) clearInterval(manifestTimer);
    api.close();
    for (const p of [...running].reverse()) await p.stop();
  };

  const clientTls = (cert: string) => ({ caFile: join(tlsDir, cert === 'etcd' ? 'etcd/server-ca.crt' : 'server-ca.crt'), certFile: join(tlsDir, cert === 'etcd' ? 'etcd/client.crt' : 'client-admin.crt'), keyFile: join(tlsDir, cert === 'etcd' ? 'etcd/client.key' : 'client-admin.key') });
  const kubectl = (...a: string[]) => run({ cmd: join(bin, 'kubectl'), args: ['--kubeconfig', admin, ...a] });

  /** One place that declares the server ready: the API's readyz, the log line, systemd. */
  const markReady = async (detail: string, systemdStatus: string) => {
    isReady = true;
    log(`rfo is ready (${elapsed()})${detail}`);
    await notifySystemd(env, systemdStatus, log);
  };

  const ready = (async () => {
    try {
      await mkdir(s.paths.server.etcdDataDir, { recursive: true, mode: 0o700 });
      start(planEtcd(cp));
      await waitFor('etcd', async () => (await httpsGet('https://127.0.0.1:2379/health', clientTls('etcd'))).body.includes('"health":"true"'), 120_000);
      start(planApiserver(cp));
      await waitFor('kube-apiserver', async () => (await httpsGet(`https://127.0.0.1:${cp.httpsPort}/readyz`, clientTls('admin'))).status === 200, 180_000);
      log(`kube-apiserver ready (${elapsed()})`);
      start(planControllerManager(cp));
      start(planScheduler(cp));
      await writeFileAtomic(join(s.paths.server.dir, 'etc', 'flannel-rbac.yaml'), renderFlannelRbac());
      const applied = await kubectl('apply', '-f', join(s.paths.server.dir, 'etc', 'flannel-rbac.yaml'));
      if (applied.code !== 0) throw new Error(`applying flannel RBAC failed: ${applied.stderr}`);

      await mkdir(s.paths.run.containerdState, { recursive: true });
      start(planContainerd(node));
      const ctr = (...a: string[]) => run({ cmd: join(bin, 'ctr'), args: ['--address', s.paths.run.containerdSocket, '-n', 'k8s.io', ...a] });
      await waitFor('containerd', async () => (await ctr('version')).code === 0, 60_000);
      const airgap = runtime.manifest.artifacts.find((a) => a.kind === 'archive');
      // A release ships the archive separately (the installer puts it in agent/images).
      const importFrom = airgap && existsSync(join(staged, airgap.path)) ? [join(staged, airgap.path)] : [];
      try {
        for (const f of (await readdir(s.paths.agent.imagesDir)).sort()) if (/\.tar(\.(gz|zst))?$|\.tgz$|\.tzst$/.test(f)) importFrom.push(join(s.paths.agent.imagesDir, f));
      } catch {
        // no agent/images directory: nothing extra to import
      }
      for (const file of importFrom) {
        // ctr reads plain tars; gzip and zstd archives (the usual airgap forms) are unpacked here first.
        let source = file;
        if (!file.endsWith('.tar')) {
          source = join(s.paths.run.dir, `import-${process.pid}.tar`);
          await writeFile(source, decompressArchive(await readFile(file), file));
        }
        const r = await ctr('images', 'import', '--all-platforms', source);
        if (source !== file) await rm(source, { force: true });
        if (r.code !== 0) throw new RfoError('RFO_IMAGE_INVALID', `importing ${file} failed: ${r.stderr.trim()}`, { hint: 'remove or replace the archive in agent/images' });
      }
      log(`images imported from ${importFrom.length} archive(s) (${elapsed()})`);

      await mkdir(s.paths.kubeletDir, { recursive: true });
      start(planKubelet(node));
      start(planKubeProxy(node));
      const ownCni = list(s.values.cni).includes('none');
      if (!ownCni) {
        await mkdir(flannelDir, { recursive: true });
        start(planFlannel(node));
        await waitFor('flannel subnet', () => Promise.resolve(existsSync(node.flannelSubnetFile)), 180_000);
        await writeFileAtomic(join(s.paths.cniConfDir, '10-rfo.conflist'), renderCniConflist(parseSubnetEnv(await readFile(node.flannelSubnetFile, 'utf8'))));
      }

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
      });

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

