// rfo's host-networking step against Debian's real NetworkManager and
// firewalld, running in a network + mount namespace of their own on a private
// D-Bus system bus (helpers/network-daemons.ts; the host is not touched). The
// step runs as rfo server runs it (helpers/host-network-step.ts, inside that
// network namespace so the node IP's interface is found there), and is
// checked with nmcli and firewall-cmd: rfo's interfaces become unmanaged (a
// user's own unmanaged-devices stays), zone rfo trusts the pod and service
// CIDRs, service rfo with the server's ports lands in the zone of the node
// IP's interface, a second start changes nothing (no file write, no
// firewalld reload), the opt-out flags and an unreachable bus change nothing,
// and the real rfo-uninstall.sh takes it all away. TCP probes from a second
// namespace (another node and its pod) show what firewalld lets through.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../src/build/paths.ts';
import { renderNetworkManagerConf } from '../../src/host/networkmanager-conf.ts';
import type { HostNetworkResult } from '../../src/host/host-network.ts';
import { startNetworkDaemons } from './helpers/network-daemons.ts';
import type { NetworkDaemons } from './helpers/network-daemons.ts';
import { eventually } from './helpers/eventually.ts';

let root = '';
let d: NetworkDaemons;
const serverPorts = ['6443/tcp', '9345/tcp', '2379-2380/tcp', '10250/tcp', '8472/udp', '80/tcp', '443/tcp', '30000-32767/tcp', '30000-32767/udp'];
const confFile = () => join(d.nmConfDir, 'rfo.conf');
const hostConf = '/etc/NetworkManager/conf.d/rfo.conf';
// rfo's files on the host itself, before the test: the test must leave them as they were.
const hostFiles = [hostConf, '/etc/firewalld/zones/rfo.xml', '/etc/firewalld/services/rfo.xml'];
const hostFilesBefore = hostFiles.map((f) => existsSync(f));

/** DEVICE → STATE from nmcli. */
async function devices(): Promise<Record<string, string>> {
  const out = await d.nmcli('-t', '-f', 'DEVICE,STATE', 'device');
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split(':') as [string, string]));
}

interface StepRun {
  readonly result: HostNetworkResult;
  readonly log: string;
  /** applyHostNetwork alone, and the helper process around it. */
  readonly ms: number;
  readonly wallMs: number;
}

/** rfo's step, inside the daemons' network namespace, with rfo's flags. */
async function step(args: readonly string[], env: NodeJS.ProcessEnv = d.env): Promise<StepRun> {
  const started = Date.now();
  const r = await d.inNetns(process.execPath, [join(repoRoot, 'test/integration/helpers/host-network-step.ts'), 'server', '--config', join(root, 'config.yaml'), '--node-ip', '192.0.2.10', '--networkmanager-conf', confFile(), ...args], {
    env: { ...env, RFO_TEST_SYSTEMD_DIR: join(root, 'systemd') },
  });
  assert.equal(r.code, 0, `host-network step failed:\n${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as HostNetworkResult & { ms: number };
  const { ms, ...result } = parsed;
  return { result, log: r.stderr, ms, wallMs: Date.now() - started };
}

before(async () => {
  root = await mkdtemp('/var/tmp/rfo-hostnet-');
  await writeFile(join(root, 'config.yaml'), '');
  // nm-cloud-setup enabled the way systemctl enable leaves it.
  await mkdir(join(root, 'systemd', 'timers.target.wants'), { recursive: true });
  await symlink('/usr/lib/systemd/system/nm-cloud-setup.timer', join(root, 'systemd', 'timers.target.wants', 'nm-cloud-setup.timer'));
  d = await startNetworkDaemons(join(root, 'daemons'));
  // A user's own drop-in, sorted before rfo.conf: rfo's must add to it, not replace it.
  await writeFile(join(d.nmConfDir, '10-user.conf'), '[keyfile]\nunmanaged-devices=interface-name:user0\n');
  await d.nmcli('general', 'reload', 'conf');
  // The interfaces a node running flannel (and kube-router) has, each with an address so
  // NetworkManager takes them over ("connected (externally)") unless told not to.
  const ip = (...a: string[]) => d.inNetns('ip', a).then((r) => assert.equal(r.code, 0, `ip ${a.join(' ')}: ${r.stderr}`));
  await ip('link', 'add', 'cni0', 'type', 'bridge');
  await ip('addr', 'add', '10.42.0.1/24', 'dev', 'cni0');
  await ip('link', 'set', 'cni0', 'up');
  await ip('link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'dstport', '8472', 'local', '192.0.2.10', 'dev', 'eth0', 'nolearning');
  await ip('addr', 'add', '10.42.0.0/32', 'dev', 'flannel.1');
  await ip('link', 'set', 'flannel.1', 'up');
  await ip('link', 'add', 'veth1a2b3c', 'type', 'veth', 'peer', 'name', 'podside');
  await ip('link', 'set', 'veth1a2b3c', 'master', 'cni0', 'up');
  await ip('link', 'add', 'kube-bridge', 'type', 'bridge');
  await ip('addr', 'add', '10.42.9.1/24', 'dev', 'kube-bridge');
  await ip('link', 'set', 'kube-bridge', 'up');
  await ip('link', 'add', 'user0', 'type', 'bridge');
  await ip('addr', 'add', '198.51.100.1/24', 'dev', 'user0');
  await ip('link', 'set', 'user0', 'up');
  // The node's uplink in zone internal, set as on an openEuler host (the connection's zone, which
  // NetworkManager hands to firewalld): rfo's ports go there, not to the default zone.
  // The other node's pod network is routed through it, as flannel would route it.
  await d.nmcli('connection', 'modify', 'eth0', 'connection.zone', 'internal', 'ipv4.routes', '10.42.1.5/32 192.0.2.20');
  await d.nmcli('device', 'reapply', 'eth0');
  await eventually('eth0 in zone internal', async () => (await d.firewallCmd('--get-zone-of-interface=eth0')).trim() === 'internal', 15_000, 250);
  await eventually('the route to the other node\'s pod', async () => (await d.inNetns('ip', ['route', 'show', '10.42.1.5'])).stdout.includes('via 192.0.2.20'), 15_000, 250);
});

after(async () => {
  await d?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test('before rfo: NetworkManager manages the pod interfaces, firewalld knows nothing of rfo', { timeout: 60_000 }, async () => {
  await eventually('NetworkManager took over cni0, veth1a2b3c, kube-bridge', async () => {
    const dev = await devices();
    return ['cni0', 'veth1a2b3c', 'kube-bridge'].every((n) => dev[n] !== undefined && dev[n] !== 'unmanaged');
  }, 30_000, 250);
  const dev = await devices();
  assert.equal(dev.user0, 'unmanaged', 'the user\'s drop-in applies');
  assert.doesNotMatch(await d.firewallCmd('--get-zones'), /\brfo\b/);
  assert.doesNotMatch(await d.firewallCmd('--get-services'), /\brfo\b/);
  // From the other node: ssh (zone internal has it) gets through, the apiserver's port and pods do not.
  assert.equal(await d.probe(22, '192.0.2.20'), 'ECONNREFUSED');
  assert.equal(await d.probe(22, '10.42.1.5'), 'ECONNREFUSED');
  assert.equal(await d.probe(6443, '192.0.2.20'), 'EHOSTUNREACH');
  assert.equal(await d.probe(12346, '10.42.1.5'), 'EHOSTUNREACH');
});

test('opted out (disable-*-config), or with the daemons not on rfo\'s bus (a lab node), nothing changes', { timeout: 60_000 }, async () => {
  const off = await step(['--disable-networkmanager-config', '--disable-firewalld-config']);
  assert.deepEqual(off.result, { networkManager: 'disabled', firewalld: 'disabled' });
  const elsewhere = await step([], { ...d.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(root, 'no-such-bus')}` });
  assert.deepEqual(elsewhere.result, { networkManager: 'not running', firewalld: 'not running' });
  assert.ok(!existsSync(confFile()));
  assert.doesNotMatch(await d.firewallCmd('--permanent', '--get-zones'), /\brfo\b/);
});

test('first start: drop-in written and reloaded, zone and service rfo in place, one summary line', { timeout: 120_000 }, async () => {
  const first = await step([]);
  process.stderr.write(`first start: step ${first.ms} ms (process ${first.wallMs} ms)\n${first.log}`);
  assert.equal(first.result.networkManager, 'written');
  assert.equal(await readFile(confFile(), 'utf8'), renderNetworkManagerConf());
  assert.match(first.log, /WARNING: nm-cloud-setup\.timer is enabled.*systemctl disable --now nm-cloud-setup\.service nm-cloud-setup\.timer/);
  const fwLines = first.log.split('\n').filter((l) => l.startsWith('rfo: firewalld:'));
  assert.equal(fwLines.length, 1, first.log);
  assert.match(fwLines[0] ?? '', /created zone rfo .*created service rfo .*added service rfo to zone internal; reloaded/);

  // NetworkManager let go of every pod interface, kept the user's and the uplink.
  await eventually('rfo\'s interfaces unmanaged', async () => {
    const dev = await devices();
    return ['cni0', 'flannel.1', 'veth1a2b3c', 'kube-bridge'].every((n) => dev[n] === 'unmanaged');
  }, 15_000, 250);
  const dev = await devices();
  assert.equal(dev.user0, 'unmanaged');
  assert.notEqual(dev.eth0, 'unmanaged');

  for (const perm of [['--permanent'], []]) {
    const where = perm.length ? 'permanent' : 'runtime';
    const zone = await d.firewallCmd(...perm, '--info-zone=rfo');
    assert.match(zone, /^ {2}target: ACCEPT$/m, where);
    assert.match(zone, /^ {2}sources: 10\.42\.0\.0\/16 10\.43\.0\.0\/16$/m, where);
    const ports = (/^ {2}ports: (.*)$/m.exec(await d.firewallCmd(...perm, '--info-service=rfo'))?.[1] ?? '').trim().split(' ');
    assert.deepEqual(ports.sort(), [...serverPorts].sort(), where);
    assert.match(await d.firewallCmd(...perm, '--zone=internal', '--list-services'), /\brfo\b/, where);
    assert.doesNotMatch(await d.firewallCmd(...perm, '--zone=public', '--list-services'), /\brfo\b/, where);
  }
  // The uplink is still in zone internal after the reload.
  assert.equal((await d.firewallCmd('--get-zone-of-interface=eth0')).trim(), 'internal');
  // Packets: the other node reaches rfo's ports and nothing else; its pod reaches anything.
  for (const port of [6443, 9345, 2379, 10250, 443, 30080]) assert.equal(await d.probe(port, '192.0.2.20'), 'ECONNREFUSED', `port ${port}`);
  assert.equal(await d.probe(12346, '192.0.2.20'), 'EHOSTUNREACH');
  assert.equal(await d.probe(12346, '10.42.1.5'), 'ECONNREFUSED');
});

test('second start changes nothing: same file (not rewritten), no firewall-cmd change, no reload', { timeout: 120_000 }, async () => {
  const before = await stat(confFile());
  // A runtime-only port: a firewalld reload would drop it.
  await d.firewallCmd('--zone=public', '--add-port=12345/tcp');
  const second = await step([]);
  process.stderr.write(`second start: step ${second.ms} ms (process ${second.wallMs} ms)\n`);
  assert.equal(second.result.networkManager, 'unchanged');
  assert.ok(typeof second.result.firewalld === 'object');
  assert.deepEqual(second.result.firewalld.steps, []);
  assert.equal(second.result.firewalld.reload, false);
  assert.match(second.log, /rfo: firewalld: already in place \(zone rfo accepts 10\.42\.0\.0\/16, 10\.43\.0\.0\/16; service rfo \(.*\) in zone internal\)/);
  assert.equal((await stat(confFile())).mtimeMs, before.mtimeMs);
  assert.match(await d.firewallCmd('--zone=public', '--list-ports'), /12345\/tcp/, 'firewalld was reloaded');
});

test('rfo-uninstall.sh removes the drop-in (NetworkManager manages the interfaces again) and zone and service rfo', { timeout: 180_000 }, async () => {
  // An installed layout: <prefix>/bin/{rfo,rfo-killall.sh,rfo-uninstall.sh}, rfo being this checkout's.
  const prefix = join(root, 'prefix');
  await mkdir(join(prefix, 'bin'), { recursive: true });
  await symlink(join(repoRoot, 'bin', 'rfo'), join(prefix, 'bin', 'rfo'));
  await copyFile(join(repoRoot, 'bin', 'rfo-killall.sh'), join(prefix, 'bin', 'rfo-killall.sh'));
  await copyFile(join(repoRoot, 'bin', 'rfo-uninstall.sh'), join(prefix, 'bin', 'rfo-uninstall.sh'));
  // The drop-in's moved path reaches the uninstall through the node's config file, as on a real node.
  const etc = join(root, 'etc-rancher');
  await mkdir(etc, { recursive: true });
  await writeFile(join(etc, 'config.yaml'), `networkmanager-conf: ${confFile()}\n`);
  const w = join(root, 'state');
  const r = await d.inNetns('sh', [join(prefix, 'bin', 'rfo-uninstall.sh')], {
    env: { ...d.env, RFO_UNINSTALL_SKIP_RELOAD: 'true', RFO_DATA_DIR: join(w, 'data'), RFO_RUN_DIR: join(w, 'run'), RFO_KUBELET_DIR: join(w, 'kubelet'), RFO_CNI_CONF_DIR: join(w, 'cni'), RFO_CNI_STATE_DIR: join(w, 'cni-state'), RFO_ETC_DIR: etc },
  });
  process.stderr.write(r.stdout + r.stderr);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /NetworkManager: removed .*rfo\.conf and reloaded it/);
  assert.match(r.stdout + r.stderr, /firewalld: removed service rfo from zone internal, zone rfo, service rfo; reloaded/);
  assert.ok(!existsSync(confFile()));
  // killall took cni0, flannel.1 and the veth; kube-bridge is NetworkManager's again, user0 stays unmanaged.
  await eventually('kube-bridge managed again', async () => (await devices())['kube-bridge'] !== 'unmanaged', 15_000, 250);
  assert.equal((await devices()).user0, 'unmanaged');
  for (const perm of [['--permanent'], []]) {
    assert.doesNotMatch(await d.firewallCmd(...perm, '--get-zones'), /\brfo\b/);
    assert.doesNotMatch(await d.firewallCmd(...perm, '--get-services'), /\brfo\b/);
    assert.doesNotMatch(await d.firewallCmd(...perm, '--zone=internal', '--list-services'), /\brfo\b/);
  }
  assert.equal(await d.probe(6443, '192.0.2.20'), 'EHOSTUNREACH');
  assert.equal(await d.probe(12346, '10.42.1.5'), 'EHOSTUNREACH');
  // Nothing happened outside the namespaces.
  assert.deepEqual(hostFiles.map((f) => existsSync(f)), hostFilesBefore);
});
