// Debian's real NetworkManager and firewalld, run for a test in a network
// namespace and a mount namespace of their own, on a private D-Bus system
// bus, so the host's network, firewall and /etc are never touched:
//   - /run is a fresh tmpfs (no host bus socket, no udev);
//   - /sys is remounted read-only for the new network namespace: it shows
//     that namespace's links, and NetworkManager, seeing a read-only /sys,
//     does not wait for udev to announce devices (it never would here);
//   - /etc/NetworkManager, /var/lib/NetworkManager and /etc/firewalld are
//     bind mounts of copies in the test dir (the test reads and writes
//     NetworkManager's conf.d there, from the host side);
//   - dbus-daemon listens on <dir>/bus: clients on the host reach the
//     daemons with DBUS_SYSTEM_BUS_ADDRESS=unix:path=<dir>/bus.
// The pid namespace stays the host's: NetworkManager authorizes a caller
// through its pid, which must mean the same process on both sides.
// NetworkManager runs with auth-polkit=root-only (there is no polkit on the
// private bus; root is allowed, as polkit allows it on a real host).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.ts';
import type { ExecResult } from '../../../src/util/exec.ts';
import { eventually } from './eventually.ts';

export interface NetworkDaemons {
  readonly dir: string;
  /** Environment for nmcli/firewall-cmd/rfo: the private bus. */
  readonly env: NodeJS.ProcessEnv;
  /** NetworkManager's conf.d, as seen from the host. */
  readonly nmConfDir: string;
  /** A command inside the daemons' network namespace (host mount namespace). */
  inNetns(cmd: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv }): Promise<ExecResult>;
  /**
   * A TCP connection from the other node (192.0.2.20, or its pod 10.42.1.5) to
   * this one's 192.0.2.10:port, nothing listening: ECONNREFUSED means the
   * packet got through firewalld (the kernel answered), EHOSTUNREACH that
   * firewalld rejected it (icmp admin-prohibited).
   */
  probe(port: number, from: '192.0.2.20' | '10.42.1.5'): Promise<string>;
  /** firewall-cmd / nmcli on the private bus; throws on a non-zero exit. */
  firewallCmd(...args: string[]): Promise<string>;
  nmcli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const busConfig = (socket: string) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`;

/**
 * The namespace's init: mounts, a node-like uplink eth0 (192.0.2.10/24,
 * TEST-NET-1) whose peer is in a second namespace standing for another node,
 * the three daemons. No packet leaves these namespaces.
 */
const innerScript = (dir: string) => `set -e
d='${dir}'
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t sysfs -o ro sysfs /sys
mount --bind "$d/etc-nm" /etc/NetworkManager
mount --bind "$d/var-nm" /var/lib/NetworkManager
mount --bind "$d/etc-fw" /etc/firewalld
ip link set lo up
ip link add eth0 type veth peer name eth0peer
ip link set eth0 up
ip addr add 192.0.2.10/24 dev eth0
# The other end of the uplink: a network namespace of its own (held by sleep) standing for
# another node (192.0.2.20) and one of its pods (10.42.1.5; the test routes it through
# 192.0.2.20 with NetworkManager, which owns eth0's routes once it manages the uplink).
unshare --net sleep 1000000 &
client=$!
i=0; while [ "$(readlink /proc/$client/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
ip link set eth0peer netns "$client"
nsenter --net=/proc/$client/ns/net sh -c 'ip link set lo up && ip link set eth0peer up && ip addr add 192.0.2.20/24 dev eth0peer && ip addr add 10.42.1.5/32 dev eth0peer'
mkdir -p /run/dbus
dbus-daemon --config-file="$d/bus.conf" --nofork --nopidfile >"$d/dbus.log" 2>&1 &
pids="$client $!"
i=0; while [ ! -S "$d/bus" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ln -s "$d/bus" /run/dbus/system_bus_socket
NetworkManager --debug --log-level=INFO >"$d/nm.log" 2>&1 &
pids="$pids $!"
firewalld --nofork --nopid --log-target=console >"$d/firewalld.log" 2>&1 &
pids="$pids $!"
# Stopped with SIGTERM: the daemons first (firewalld removes its rules), then this shell.
trap 'kill $pids 2>/dev/null; wait; exit 0' TERM INT
echo "ready $client"
wait
`;

export async function startNetworkDaemons(dir: string): Promise<NetworkDaemons> {
  for (const d of ['etc-nm/conf.d', 'var-nm', 'etc-fw']) await mkdir(join(dir, d), { recursive: true });
  await cp('/etc/NetworkManager/NetworkManager.conf', join(dir, 'etc-nm', 'NetworkManager.conf'));
  await writeFile(join(dir, 'etc-nm', 'conf.d', '00-test.conf'), '[main]\nauth-polkit=root-only\n');
  await cp('/etc/firewalld', join(dir, 'etc-fw'), { recursive: true });
  const socket = join(dir, 'bus');
  await writeFile(join(dir, 'bus.conf'), busConfig(socket));
  await writeFile(join(dir, 'inner.sh'), innerScript(dir));
  const child: ChildProcess = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--fork', '--', 'sh', join(dir, 'inner.sh')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` };

  // The network namespace: that of the sh that unshare forked (its only child).
  let netnsPid = 0;
  let clientPid = 0;
  await eventually('the daemons\' namespace', async () => {
    if (child.exitCode !== null) throw new Error(`the namespace exited: ${output}`);
    const kids = (await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
    netnsPid = Number(kids[0] ?? 0);
    clientPid = Number(/^ready (\d+)$/m.exec(output)?.[1] ?? 0);
    return netnsPid > 0 && clientPid > 0;
  }, 20_000, 100);
  const probeScript = `const s = require('node:net').connect({ host: '192.0.2.10', port: Number(process.argv[1]), localAddress: process.argv[2], timeout: 5000 });
s.on('connect', () => { console.log('open'); s.destroy(); });
s.on('timeout', () => { console.log('timeout'); s.destroy(); });
s.on('error', (e) => console.log(e.code));`;
  const inNetns = (cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
    run({ cmd: 'nsenter', args: [`--net=/proc/${netnsPid}/ns/net`, '--', cmd, ...args], env: options.env ?? env });
  const checked = async (cmd: string, args: readonly string[]) => {
    const r = await run({ cmd, args, env });
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const daemons: NetworkDaemons = {
    dir,
    env,
    nmConfDir: join(dir, 'etc-nm', 'conf.d'),
    inNetns,
    probe: async (port, from) => {
      const r = await run({ cmd: 'nsenter', args: [`--net=/proc/${clientPid}/ns/net`, '--', process.execPath, '-e', probeScript, String(port), from] });
      return r.stdout.trim();
    },
    firewallCmd: (...args) => checked('firewall-cmd', args),
    nmcli: (...args) => checked('nmcli', args),
    stop: async () => {
      if (child.exitCode === null && netnsPid > 0) process.kill(netnsPid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
  try {
    await eventually('NetworkManager on the private bus', async () => (await daemons.nmcli('-t', '-f', 'RUNNING', 'general')).trim() === 'running', 30_000, 250);
    await eventually('firewalld on the private bus', async () => (await daemons.firewallCmd('--state')).trim() === 'running', 60_000, 250);
  } catch (err) {
    await daemons.stop();
    const logs = await Promise.all(['nm.log', 'firewalld.log', 'dbus.log'].map((f) => readFile(join(dir, f), 'utf8').catch(() => '')));
    throw new Error(`${(err as Error).message}\n${output}\n${logs.map((l) => l.split('\n').slice(-15).join('\n')).join('\n---\n')}`, { cause: err });
  }
  return daemons;
}
