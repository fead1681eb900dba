// The host-networking step of `rfo server`/`rfo agent` (before any interface
// or port of rfo's exists) and its undoing (`rfo host-network remove`, which
// rfo-uninstall.sh runs): the thin I/O around networkmanager-conf.ts and
// firewalld-plan.ts. NetworkManager and firewalld are reached through their
// own clients, nmcli and firewall-cmd, on the system bus; `env` carries
// DBUS_SYSTEM_BUS_ADDRESS where a test points them at a private bus.
//
// Detection is cheap where neither daemon runs: a look at the process table
// first (no process named NetworkManager or firewalld: no client is started),
// then the client's own answer, so a daemon that is not on our bus (a lab
// node's private /run) counts as not running.

import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { run, tail } from '../util/exec.ts';
import type { ExecResult } from '../util/exec.ts';
import { parseServicePorts, parseZones, planFirewalld, planFirewalldRemoval, rfoService } from './firewalld-plan.ts';
import type { FirewalldPlan, FirewalldState, FirewalldView, FirewalldWant } from './firewalld-plan.ts';
import { cloudSetupWants, planNetworkManager, renderNetworkManagerConf, unmanagedInterfaces } from './networkmanager-conf.ts';

type Log = (message: string) => void;

export interface HostNetworkOptions {
  readonly networkManager: { readonly enabled: boolean; readonly confFile: string };
  readonly firewalld: { readonly enabled: boolean } & Omit<FirewalldWant, 'nodeInterface'>;
  readonly nodeIp: string;
  readonly log: Log;
  /** The clients' environment (default: rfo's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where nm-cloud-setup's enablement symlinks would be (default /etc/systemd/system). */
  readonly systemdDir?: string;
}

export interface HostNetworkResult {
  readonly networkManager: 'not running' | 'disabled' | 'written' | 'unchanged' | 'no nmcli';
  readonly firewalld: 'not running' | 'disabled' | FirewalldPlan;
}

/** Names (comm) of the processes in /proc: a few reads, no program started. */
async function processNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm) names.add(comm.trim());
  }
  return names;
}

/** Run a client; a missing program reads as "not there" (undefined). */
async function client(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv | undefined, input?: string): Promise<ExecResult | undefined> {
  try {
    return await run({ cmd, args, ...(env ? { env } : {}), ...(input !== undefined ? { input } : {}) });
  } catch (err) {
    if (err instanceof RfoError && err.code === 'RFO_TOOL_MISSING') return undefined;
    throw err;
  }
}

async function nmRunning(env: NodeJS.ProcessEnv | undefined): Promise<boolean | 'no nmcli'> {
  const r = await client('nmcli', ['-t', '-f', 'RUNNING', 'general'], env);
  if (!r) return 'no nmcli';
  return r.code === 0 && r.stdout.trim() === 'running';
}

async function firewalldRunning(env: NodeJS.ProcessEnv | undefined): Promise<boolean> {
  const r = await client('firewall-cmd', ['--state'], env);
  return r !== undefined && r.code === 0 && r.stdout.trim() === 'running';
}

async function firewallCmd(args: readonly string[], env: NodeJS.ProcessEnv | undefined): Promise<ExecResult> {
  const r = await client('firewall-cmd', args, env);
  if (!r) throw new RfoError('RFO_TOOL_MISSING', 'firewall-cmd is missing while firewalld runs', { hint: 'install firewalld\'s client (firewall-cmd), or set disable-firewalld-config: true' });
  return r;
}

async function firewallCmdChecked(args: readonly string[], env: NodeJS.ProcessEnv | undefined): Promise<string> {
  const r = await firewallCmd(args, env);
  if (r.code !== 0) {
    throw new RfoError('RFO_HOST_NETWORK', `firewall-cmd ${args.join(' ')} failed (exit ${r.code}): ${tail(r.stderr || r.stdout, 5)}`, {
      hint: 'fix firewalld (firewall-cmd --state, journalctl -u firewalld), or set disable-firewalld-config: true and open the ports yourself',
    });
  }
  return r.stdout;
}

/** firewalld's zones and rfo's service, permanent and runtime: five queries, run together. */
async function readFirewalld(env: NodeJS.ProcessEnv | undefined): Promise<FirewalldState> {
  // --info-service fails (INVALID_SERVICE) when the service does not exist.
  const service = async (permanent: string[]) => {
    const r = await firewallCmd([...permanent, `--info-service=${rfoService}`], env);
    return r.code === 0 ? r.stdout : undefined;
  };
  const [defaultZone, permZones, rtZones, permService, rtService] = await Promise.all([
    firewallCmdChecked(['--get-default-zone'], env),
    firewallCmdChecked(['--permanent', '--list-all-zones'], env),
    firewallCmdChecked(['--list-all-zones'], env),
    service(['--permanent']),
    service([]),
  ]);
  const view = (zones: string, svc: string | undefined): FirewalldView => ({ zones: parseZones(zones), servicePorts: parseServicePorts(svc) });
  return { defaultZone: defaultZone.trim(), permanent: view(permZones, permService), runtime: view(rtZones, rtService) };
}

async function runFirewalldPlan(plan: FirewalldPlan, env: NodeJS.ProcessEnv | undefined): Promise<void> {
  for (const step of plan.steps) {
    if (step.file === undefined) {
      await firewallCmdChecked(step.args, env);
      continue;
    }
    // --new-*-from-file wants a path ending in .xml; firewall-cmd reads it and sends its content over D-Bus.
    const dir = await mkdtemp(join(tmpdir(), 'rfo-firewalld-'));
    try {
      const file = join(dir, `${rfoService}.xml`);
      await writeFile(file, step.file);
      await firewallCmdChecked(
        step.args.map((a) => a.replace('{file}', file)),
        env,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (plan.reload) await firewallCmdChecked(['--reload'], env);
}

/** The interface that holds this IP. */
export function interfaceOf(ip: string, interfaces: NodeJS.Dict<readonly { readonly address: string }[]> = networkInterfaces()): string | undefined {
  return Object.entries(interfaces).find(([, addrs]) => (addrs ?? []).some((a) => a.address === ip))?.[0];
}

/** Enabled = systemctl enable's symlink exists (whatever it points to). */
async function cloudSetupState(systemdDir: string, names: Set<string>): Promise<{ enabled: string[]; running: boolean }> {
  const enabled: string[] = [];
  for (const [dir, unit] of cloudSetupWants) if (await lstat(join(systemdDir, dir, unit)).then(() => true, () => false)) enabled.push(unit);
  return { enabled, running: names.has('nm-cloud-setup') };
}

async function applyNetworkManager(o: HostNetworkOptions, names: Set<string>): Promise<HostNetworkResult['networkManager']> {
  if (!o.networkManager.enabled) return 'disabled';
  if (!names.has('NetworkManager')) return 'not running';
  const running = await nmRunning(o.env);
  const desired = renderNetworkManagerConf();
  if (running === 'no nmcli') {
    o.log(`WARNING: NetworkManager runs but nmcli is missing, so rfo cannot reach it: write ${o.networkManager.confFile} yourself with:\n${desired}`);
    return 'no nmcli';
  }
  const current = await readFile(o.networkManager.confFile, 'utf8').catch(() => undefined);
  const plan = planNetworkManager({ running, current, desired, cloudSetup: await cloudSetupState(o.systemdDir ?? '/etc/systemd/system', names) });
  for (const w of plan.warnings) o.log(`WARNING: ${w}`);
  if (!running) return 'not running';
  if (!plan.write) return 'unchanged';
  await writeFileAtomic(o.networkManager.confFile, desired);
  const r = await client('nmcli', ['general', 'reload', 'conf'], o.env);
  if (r?.code !== 0) {
    throw new RfoError('RFO_HOST_NETWORK', `NetworkManager did not reload its configuration: ${tail(r?.stderr ?? '', 3)}`, {
      hint: `reload it yourself (systemctl reload NetworkManager) and start rfo again, or set disable-networkmanager-config: true`,
    });
  }
  o.log(`NetworkManager: wrote ${o.networkManager.confFile} and reloaded it; it leaves ${unmanagedInterfaces().join(', ')} unmanaged`);
  return 'written';
}

async function applyFirewalld(o: HostNetworkOptions, names: Set<string>): Promise<HostNetworkResult['firewalld']> {
  if (!o.firewalld.enabled) return 'disabled';
  if (!names.has('firewalld')) return 'not running';
  // The state is read alongside --state (a firewalld process runs, so it most likely answers):
  // every firewall-cmd spends half a second starting Python and connecting.
  const [running, read] = await Promise.all([firewalldRunning(o.env), readFirewalld(o.env).catch((err: unknown) => err as Error)]);
  if (!running) return 'not running';
  if (read instanceof Error) throw read;
  const nodeInterface = interfaceOf(o.nodeIp);
  const plan = planFirewalld({ ...o.firewalld, ...(nodeInterface ? { nodeInterface } : {}) }, read);
  await runFirewalldPlan(plan, o.env);
  o.log(plan.summary);
  return plan;
}

/** Make NetworkManager and firewalld (those that run) leave rfo's network alone; idempotent. */
export async function applyHostNetwork(o: HostNetworkOptions): Promise<HostNetworkResult> {
  const names = o.networkManager.enabled || o.firewalld.enabled ? await processNames() : new Set<string>();
  const [networkManager, firewalld] = await Promise.all([applyNetworkManager(o, names), applyFirewalld(o, names)]);
  return { networkManager, firewalld };
}

export interface RemoveOptions {
  readonly confFile: string;
  readonly log: Log;
  readonly env?: NodeJS.ProcessEnv;
}

/** Undo applyHostNetwork: the drop-in goes (NetworkManager reloads), firewalld loses zone and service rfo. */
export async function removeHostNetwork(o: RemoveOptions): Promise<void> {
  const names = await processNames();
  if (existsSync(o.confFile)) {
    await rm(o.confFile, { force: true });
    const reloaded = names.has('NetworkManager') && (await nmRunning(o.env)) === true && (await client('nmcli', ['general', 'reload', 'conf'], o.env))?.code === 0;
    o.log(`NetworkManager: removed ${o.confFile}${reloaded ? ' and reloaded it' : ''}`);
  }
  if (names.has('firewalld') && (await firewalldRunning(o.env))) {
    const plan = planFirewalldRemoval(await readFirewalld(o.env));
    await runFirewalldPlan(plan, o.env);
    o.log(plan.summary);
  } else if (existsSync('/etc/firewalld/zones/rfo.xml') || existsSync('/etc/firewalld/services/rfo.xml')) {
    o.log('WARNING: firewalld is not running, so its zone and service rfo stay: start firewalld and run rfo host-network remove again');
  }
}
