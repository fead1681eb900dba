import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRfoError } from '../errors.ts';
import { parseServicePorts, parseZones, planFirewalld, planFirewalldRemoval, renderServiceXml, renderZoneXml, rfoPorts } from './firewalld-plan.ts';
import type { FirewalldState, FirewalldView, Zone } from './firewalld-plan.ts';

// As firewall-cmd 1.3 prints them.
const listAllZones = `block
  target: %%REJECT%%
  icmp-block-inversion: no
  interfaces: 
  sources: 
  services: 
  ports: 
  forward: yes
  rich rules: 

public (active)
  target: default
  icmp-block-inversion: no
  interfaces: eth0 vpod
  sources: 
  services: dhcpv6-client rfo ssh
  ports: 8080/tcp
  forward: yes
  rich rules: 
	rule family="ipv4" source address="192.0.2.1" accept

rfo (active)
  target: ACCEPT
  icmp-block-inversion: no
  interfaces: 
  sources: 10.42.0.0/16 10.43.0.0/16
  services: 
  ports: 
  forward: no
  rich rules: 
`;

test('parseZones reads every zone block: target, interfaces, sources, services', () => {
  const zones = parseZones(listAllZones);
  assert.deepEqual([...zones.keys()], ['block', 'public', 'rfo']);
  assert.deepEqual(zones.get('public'), { name: 'public', target: 'default', interfaces: ['eth0', 'vpod'], sources: [], services: ['dhcpv6-client', 'rfo', 'ssh'] });
  assert.deepEqual(zones.get('rfo')?.sources, ['10.42.0.0/16', '10.43.0.0/16']);
  assert.equal(zones.get('block')?.target, '%%REJECT%%');
});

test('parseServicePorts: the ports of --info-service, undefined for a missing service', () => {
  assert.deepEqual(parseServicePorts('rfo\n  ports: 6443/tcp 8472/udp 30000-32767/tcp\n  protocols: \n'), ['6443/tcp', '8472/udp', '30000-32767/tcp']);
  assert.deepEqual(parseServicePorts('rfo\n  ports: \n'), []);
  assert.equal(parseServicePorts(undefined), undefined);
});

test('servers open the control plane ports, agents only the node ports; VXLAN only with flannel', () => {
  const base = { httpsPort: 6443, supervisorPort: 9345, nodePortRange: '30000-32767', flannel: true };
  assert.deepEqual(rfoPorts({ ...base, role: 'server' }).map((p) => p.port), ['6443/tcp', '9345/tcp', '2379-2380/tcp', '10250/tcp', '8472/udp', '80/tcp', '443/tcp', '30000-32767/tcp', '30000-32767/udp']);
  assert.deepEqual(rfoPorts({ ...base, role: 'agent' }).map((p) => p.port), ['10250/tcp', '8472/udp', '80/tcp', '443/tcp', '30000-32767/tcp', '30000-32767/udp']);
  assert.ok(!rfoPorts({ ...base, role: 'agent', flannel: false }).some((p) => p.port === '8472/udp'));
  assert.deepEqual(rfoPorts({ ...base, role: 'server', httpsPort: 7443, nodePortRange: '31000-31999' }).map((p) => p.port).filter((p) => p.startsWith('7443') || p.startsWith('31000')), ['7443/tcp', '31000-31999/tcp', '31000-31999/udp']);
});

test('the zone and service files firewall-cmd creates them from', () => {
  assert.match(renderZoneXml(['10.42.0.0/16', '10.43.0.0/16']), /<zone target="ACCEPT">[\s\S]*<source address="10\.42\.0\.0\/16"\/>\n {2}<source address="10\.43\.0\.0\/16"\/>\n<\/zone>/);
  assert.match(renderServiceXml(['6443/tcp', '30000-32767/udp']), /<port protocol="tcp" port="6443"\/>\n {2}<port protocol="udp" port="30000-32767"\/>/);
});

const zone = (name: string, over: Partial<Zone> = {}): Zone => ({ name, target: 'default', interfaces: [], sources: [], services: [], ...over });
const view = (zones: Zone[], servicePorts?: string[]): FirewalldView => ({ zones: new Map(zones.map((z) => [z.name, z])), servicePorts });
const fresh = (): FirewalldState => {
  const v = view([zone('public', { services: ['ssh'] }), zone('trusted', { target: 'ACCEPT' }), zone('internal')]);
  return { defaultZone: 'public', permanent: v, runtime: v };
};
const ports = ['6443/tcp', '8472/udp'];
const want = { sources: ['10.42.0.0/16', '10.43.0.0/16'], ports, zone: '' };
const applied = (serviceZone = 'public'): FirewalldState => {
  const zones = [zone('public', { services: ['ssh', ...(serviceZone === 'public' ? ['rfo'] : [])] }), zone('internal', { interfaces: ['eth1'], services: serviceZone === 'internal' ? ['rfo'] : [] }), zone('rfo', { target: 'ACCEPT', sources: want.sources })];
  return { defaultZone: 'public', permanent: view(zones, ports), runtime: view(zones, ports) };
};

test('first start: zone and service rfo are created from files, the service joins the default zone, then one reload', () => {
  const plan = planFirewalld(want, fresh());
  assert.equal(plan.zone, 'public');
  assert.deepEqual(plan.steps.map((s) => s.args), [
    ['--permanent', '--new-zone-from-file={file}', '--name=rfo'],
    ['--permanent', '--new-service-from-file={file}', '--name=rfo'],
    ['--permanent', '--zone=public', '--add-service=rfo'],
  ]);
  assert.equal(plan.steps[0]?.file, renderZoneXml(want.sources));
  assert.equal(plan.steps[1]?.file, renderServiceXml(ports));
  assert.equal(plan.reload, true);
  assert.match(plan.summary, /^firewalld: created zone rfo \(ACCEPT from 10\.42\.0\.0\/16, 10\.43\.0\.0\/16\); created service rfo \(6443\/tcp 8472\/udp\); added service rfo to zone public; reloaded/);
});

test('second start: nothing to do, no reload', () => {
  const plan = planFirewalld(want, applied());
  assert.deepEqual(plan.steps, []);
  assert.equal(plan.reload, false);
  assert.match(plan.summary, /^firewalld: already in place \(zone rfo accepts 10\.42\.0\.0\/16, 10\.43\.0\.0\/16; service rfo \(6443\/tcp 8472\/udp\) in zone public\)$/);
});

test('the service goes to the zone of the node IP\'s interface, or to firewalld-zone', () => {
  assert.equal(planFirewalld({ ...want, nodeInterface: 'eth1' }, applied('internal')).zone, 'internal');
  assert.deepEqual(planFirewalld({ ...want, nodeInterface: 'eth1' }, applied('internal')).steps, []);
  assert.deepEqual(planFirewalld({ ...want, nodeInterface: 'eth1' }, applied('public')).steps.map((s) => s.args), [['--permanent', '--zone=internal', '--add-service=rfo']]);
  assert.equal(planFirewalld({ ...want, zone: 'internal', nodeInterface: 'eth0' }, fresh()).zone, 'internal');
  assert.throws(
    () => planFirewalld({ ...want, zone: 'nosuch' }, fresh()),
    (e: unknown) => isRfoError(e) && e.code === 'RFO_CONFIG_INVALID' && /no zone "nosuch" \(firewalld-zone\)/.test(e.message) && /public, trusted, internal/.test(e.hint ?? ''),
  );
});

test('changed ports and sources are synced (rfo owns its zone and service), then reloaded', () => {
  const s = applied();
  const plan = planFirewalld({ ...want, sources: ['10.42.0.0/16', '10.96.0.0/12'], ports: ['7443/tcp', '8472/udp'] }, s);
  assert.deepEqual(plan.steps.map((x) => x.args), [
    ['--permanent', '--zone=rfo', '--add-source=10.96.0.0/12'],
    ['--permanent', '--zone=rfo', '--remove-source=10.43.0.0/16'],
    ['--permanent', '--service=rfo', '--add-port=7443/tcp'],
    ['--permanent', '--service=rfo', '--remove-port=6443/tcp'],
  ]);
  assert.equal(plan.reload, true);
});

test('a source the user bound to another zone stays there and is named in the summary', () => {
  const s = fresh();
  const zones = new Map(s.permanent.zones);
  zones.set('trusted', zone('trusted', { target: 'ACCEPT', sources: ['10.42.0.0/16'] }));
  const plan = planFirewalld(want, { ...s, permanent: { ...s.permanent, zones } });
  assert.equal(plan.steps[0]?.file, renderZoneXml(['10.43.0.0/16']));
  assert.match(plan.summary, /10\.42\.0\.0\/16 stays in zone trusted/);
});

test('a runtime changed by hand (service removed from the zone) is restored by a reload alone', () => {
  const s = applied();
  const runtimeZones = new Map(s.runtime.zones);
  runtimeZones.set('public', zone('public', { services: ['ssh'] }));
  const plan = planFirewalld(want, { ...s, runtime: { ...s.runtime, zones: runtimeZones } });
  assert.deepEqual(plan.steps, []);
  assert.equal(plan.reload, true);
  assert.match(plan.summary, /runtime differed/);
  // The permanent zone exists but the runtime lacks it (no reload since): reload.
  assert.equal(planFirewalld(want, { ...s, runtime: view([zone('public', { services: ['ssh', 'rfo'] })], ports) }).reload, true);
});

test('removal: the service leaves every zone, then zone and service go, then one reload; nothing left: nothing done', () => {
  const s = applied();
  const zones = new Map(s.permanent.zones);
  zones.set('internal', zone('internal', { services: ['rfo'] }));
  const plan = planFirewalldRemoval({ ...s, permanent: { ...s.permanent, zones } });
  assert.deepEqual(plan.steps.map((x) => x.args), [
    ['--permanent', '--zone=public', '--remove-service=rfo'],
    ['--permanent', '--zone=internal', '--remove-service=rfo'],
    ['--permanent', '--delete-zone=rfo'],
    ['--permanent', '--delete-service=rfo'],
  ]);
  assert.equal(plan.reload, true);
  const none = planFirewalldRemoval(fresh());
  assert.deepEqual(none.steps, []);
  assert.equal(none.reload, false);
  assert.equal(none.summary, 'firewalld: nothing of rfo to remove');
});
