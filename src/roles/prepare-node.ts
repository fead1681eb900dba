// Shared by `rfo server` and `rfo agent`: settings every node has (paths,
// name, IP), the root check, preflight checks, staging the runtime into the
// data dir, and reading a token given directly or through a file.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { placeFile } from '../build/place-file.ts';
import { RfoError } from '../errors.ts';
import { checkValue } from '../config/validate-flag.ts';
import type { FlagValue } from '../config/resolve-config.ts';
import { planPaths } from '../paths/paths.ts';
import type { Paths } from '../paths/paths.ts';
import { symlinkAtomic } from '../util/atomic-write.ts';
import { run } from '../util/exec.ts';
import type { HostFacts } from '../host/host-facts.ts';
import { portFree } from '../host/probes.ts';
import { resolveLogRotation } from '../supervisor/resolve-log-rotation.ts';
import type { LogRotation } from '../supervisor/rotating-log.ts';

export type Log = (message: string) => void;

export const str = (v: FlagValue | undefined): string => (typeof v === 'string' ? v : v === undefined ? '' : String(v));
export const list = (v: FlagValue | undefined): string[] => (Array.isArray(v) ? [...(v as string[])] : []);

export interface ServerSettings {
  readonly values: Readonly<Record<string, FlagValue | undefined>>;
  readonly paths: Paths;
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly kubeconfigOut: string;
  readonly kubeconfigMode: number;
  /** Size rotation of the component logs in agent/logs. */
  readonly logRotation: LogRotation;
}

export function settingsFrom(values: Readonly<Record<string, FlagValue | undefined>>, facts: HostFacts): ServerSettings {
  const nodeIp = list(values['node-ip'])[0] ?? facts.defaultIp;
  if (!nodeIp) throw new RfoError('RFO_CONFIG_INVALID', 'no node IP: the host has no non-loopback IPv4 address', { hint: 'pass --node-ip' });
  const paths = planPaths({
    dataDir: str(values['data-dir']),
    runDir: str(values['run-dir']),
    kubeletDir: str(values['kubelet-dir']),
    cniConfDir: str(values['cni-conf-dir']),
    cniStateDir: str(values['cni-state-dir']),
    podLogDir: '/var/log/pods',
  });
  // node-name itself was checked with the other options; the hostname default is checked here.
  const nodeName = str(values['node-name']) || facts.hostname;
  const badName = checkValue('dns-subdomain', nodeName);
  if (badName) throw new RfoError('RFO_CONFIG_INVALID', `the hostname cannot be the node name: ${badName}`, { hint: 'set node-name: in the config file (or pass --node-name)' });
  return {
    values,
    paths,
    nodeName,
    nodeIp,
    kubeconfigOut: str(values['write-kubeconfig']),
    kubeconfigMode: parseInt(str(values['write-kubeconfig-mode']), 8),
    logRotation: resolveLogRotation(values),
  };
}

export function requireRoot(facts: HostFacts, command = 'rfo server'): void {
  if (!facts.isRoot) throw new RfoError('RFO_USAGE', `${command} must run as root`, { hint: 'run it with sudo, or as the rfo-server systemd service' });
}

/** Present, or loadable with modprobe; otherwise a preflight error naming the module and kernel option. */
async function requireKernelFeature(present: () => Promise<boolean>, module: string, message: string, kernelOption: string): Promise<void> {
  if (await present()) return;
  await run({ cmd: 'modprobe', args: [module] }).catch(() => undefined);
  if (!(await present())) throw new RfoError('RFO_USAGE', message, { hint: `load it (modprobe ${module}) or use a kernel with ${kernelOption}` });
}

/** Settings that name host files, checked before rfo writes anything (rfo.pid included). */
export function checkNodeInputs(s: ServerSettings): void {
  const resolvConf = str(s.values['resolv-conf']);
  if (resolvConf && !existsSync(resolvConf)) throw new RfoError('RFO_CONFIG_INVALID', `resolv-conf ${resolvConf} does not exist`, { hint: 'point resolv-conf at an existing resolv.conf, or leave it unset to use the host\'s' });
}

/** Ports this node needs free: the server's control plane ports, or just the kubelet's on an agent. */
export async function preflight(s: ServerSettings, facts: HostFacts, log: Log, ports: readonly (readonly [number, string])[]): Promise<void> {
  if (facts.swapOn) throw new RfoError('RFO_USAGE', 'swap is on; kubelet refuses to run with swap', { hint: 'turn swap off: swapoff -a (and remove it from /etc/fstab)' });
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
export async function stageRuntime(runtimeDir: string, key: string, paths: Paths): Promise<string> {
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
export async function givenToken(s: ServerSettings, key: 'token' | 'agent-token'): Promise<string> {
  const file = str(s.values[`${key}-file`]);
  return str(s.values[key]) || (file ? (await readFile(file, 'utf8')).trim() : '');
}

