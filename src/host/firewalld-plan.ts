// Pure: what rfo asks of a running firewalld, instead of the seed's "stop
// and disable firewalld". Everything rfo adds carries the name `rfo`, so a
// later start finds it, changes only what differs, and rfo-uninstall.sh
// removes exactly it (no state file):
//   - service `rfo`: the ports other nodes and clients reach on this node
//     (added to the zone that receives the node IP's traffic);
//   - zone `rfo` (target ACCEPT): the pod and service CIDRs as sources, so
//     traffic from pods (and pod traffic decapsulated from VXLAN) is trusted,
//     as RKE2/K3s document with the `trusted` zone.
// A firewalld zone holds interfaces or sources: binding the node's interface
// to a zone of rfo's would take it from the user's zone (and its ssh), so the
// ports go into the user's zone as one service instead.
// Parsers read `firewall-cmd --list-all-zones` and `--info-service` output.

import { RfoError } from '../errors.ts';

export const rfoZone = 'rfo';
export const rfoService = 'rfo';

export interface PortInput {
  readonly role: 'server' | 'agent';
  readonly httpsPort: number;
  readonly supervisorPort: number;
  /** service-node-port-range, "30000-32767". */
  readonly nodePortRange: string;
  /** flannel runs (VXLAN); false with cni: none. */
  readonly flannel: boolean;
}

/** The ports this node serves to other nodes and clients, with why (firewalld's "port/proto" form). */
export function rfoPorts(p: PortInput): { readonly port: string; readonly why: string }[] {
  return [
    ...(p.role === 'server'
      ? [
          { port: `${p.httpsPort}/tcp`, why: 'kube-apiserver' },
          { port: `${p.supervisorPort}/tcp`, why: 'rfo supervisor (joins)' },
          { port: '2379-2380/tcp', why: 'etcd client and peer' },
        ]
      : []),
    { port: '10250/tcp', why: 'kubelet' },
    ...(p.flannel ? [{ port: '8472/udp', why: 'flannel VXLAN' }] : []),
    { port: '80/tcp', why: 'ingress HTTP' },
    { port: '443/tcp', why: 'ingress HTTPS' },
    { port: `${p.nodePortRange}/tcp`, why: 'NodePort services' },
    { port: `${p.nodePortRange}/udp`, why: 'NodePort services' },
  ];
}

export interface Zone {
  readonly name: string;
  readonly target: string;
  readonly interfaces: readonly string[];
  readonly sources: readonly string[];
  readonly services: readonly string[];
}

/** `firewall-cmd [--permanent] --list-all-zones`: blocks of "name (active)" then "  key: values". */
export function parseZones(text: string): Map<string, Zone> {
  const zones = new Map<string, Zone>();
  let current: { name: string; fields: Record<string, string[]> } | undefined;
  const flush = () => {
    if (!current) return;
    const f = current.fields;
    zones.set(current.name, { name: current.name, target: f.target?.[0] ?? 'default', interfaces: f.interfaces ?? [], sources: f.sources ?? [], services: f.services ?? [] });
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) {
      flush();
      current = { name: line.trim().split(/\s+/)[0] ?? '', fields: {} };
      continue;
    }
    // Rich rules continue on tab-indented lines; only "  key: values" lines matter here.
    const m = /^ {2}([a-z -]+):(.*)$/.exec(line);
    if (current && m?.[1]) current.fields[m[1]] = (m[2] ?? '').trim().split(/\s+/).filter(Boolean);
  }
  flush();
  return zones;
}

/** `firewall-cmd [--permanent] --info-service=rfo`: its ports, or undefined when it does not exist. */
export function parseServicePorts(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const m = /^ {2}ports:(.*)$/m.exec(text);
  return (m?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

export interface FirewalldView {
  readonly zones: ReadonlyMap<string, Zone>;
  /** Ports of service rfo; undefined when it does not exist. */
  readonly servicePorts: readonly string[] | undefined;
}

export interface FirewalldState {
  readonly defaultZone: string;
  readonly permanent: FirewalldView;
  readonly runtime: FirewalldView;
}

export interface FirewalldWant {
  /** Pod and service CIDRs. */
  readonly sources: readonly string[];
  readonly ports: readonly string[];
  /** firewalld-zone: the zone that gets service rfo; '' picks it (serviceZone). */
  readonly zone: string;
  /** The interface holding the node IP, when known. */
  readonly nodeInterface?: string;
}

/** A firewall-cmd call; `file` is written to a temporary <name>.xml whose path replaces {file} in args. */
export interface FirewalldStep {
  readonly args: readonly string[];
  readonly file?: string;
}

export interface FirewalldPlan {
  readonly zone: string;
  readonly steps: readonly FirewalldStep[];
  /** firewall-cmd --reload after the steps: new zones and services reach the runtime only so. */
  readonly reload: boolean;
  readonly summary: string;
}

/** The zone that receives the node IP's traffic: the one its interface is bound to (runtime), else the default zone. */
export function serviceZone(want: FirewalldWant, state: FirewalldState): string {
  if (want.zone) return want.zone;
  const bound = want.nodeInterface ? [...state.runtime.zones.values()].find((z) => z.interfaces.includes(want.nodeInterface ?? '')) : undefined;
  return bound?.name ?? state.defaultZone;
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderZoneXml(sources: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<zone target="ACCEPT">',
    '  <short>rfo</short>',
    '  <description>Kubernetes pods and services of rfo: traffic from these networks is accepted. Added by rfo server/agent, removed by rfo-uninstall.sh.</description>',
    ...sources.map((s) => `  <source address="${xmlEscape(s)}"/>`),
    '</zone>',
    '',
  ].join('\n');
}

export function renderServiceXml(ports: readonly string[]): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<service>',
    '  <short>rfo</short>',
    '  <description>Ports of an rfo (Kubernetes) node. Added by rfo server/agent, removed by rfo-uninstall.sh.</description>',
    ...ports.map((p) => {
      const [port = '', protocol = ''] = p.split('/');
      return `  <port protocol="${xmlEscape(protocol)}" port="${xmlEscape(port)}"/>`;
    }),
    '</service>',
    '',
  ].join('\n');
}

const missing = (want: readonly string[], have: readonly string[]) => want.filter((x) => !have.includes(x));
const sameSet = (a: readonly string[], b: readonly string[]) => missing(a, b).length === 0 && missing(b, a).length === 0;
const repeat = (flag: string, values: readonly string[]) => values.map((v) => `--${flag}=${v}`);

/**
 * Steps from the current state to the wanted one, permanent first; a
 * permanent change (or a runtime that differs) ends in a reload. A second
 * start with nothing changed gets no steps.
 */
export function planFirewalld(want: FirewalldWant, state: FirewalldState): FirewalldPlan {
  const zone = serviceZone(want, state);
  const perm = state.permanent;
  if (!perm.zones.has(zone)) {
    throw new RfoError('RFO_CONFIG_INVALID', `firewalld has no zone "${zone}"${want.zone ? ' (firewalld-zone)' : ''}`, {
      hint: `pick one of ${[...perm.zones.keys()].join(', ')} (firewall-cmd --get-zones), or set disable-firewalld-config: true`,
    });
  }
  // A source can be bound to one zone only: one the user put elsewhere (trusted, say) stays there.
  const elsewhere = new Map<string, string>();
  for (const z of perm.zones.values()) if (z.name !== rfoZone) for (const s of z.sources) elsewhere.set(s, z.name);
  const sources = want.sources.filter((s) => !elsewhere.has(s));
  const notes = want.sources.filter((s) => elsewhere.has(s)).map((s) => `${s} stays in zone ${elsewhere.get(s) ?? ''}`);

  const steps: FirewalldStep[] = [];
  const done: string[] = [];
  const permZone = perm.zones.get(rfoZone);
  if (!permZone) {
    steps.push({ args: ['--permanent', '--new-zone-from-file={file}', `--name=${rfoZone}`], file: renderZoneXml(sources) });
    done.push(`created zone ${rfoZone} (ACCEPT from ${sources.join(', ') || 'no source'})`);
  } else {
    if (permZone.target !== 'ACCEPT') {
      steps.push({ args: ['--permanent', `--zone=${rfoZone}`, '--set-target=ACCEPT'] });
      done.push(`set zone ${rfoZone} to ACCEPT`);
    }
    const add = missing(sources, permZone.sources);
    const drop = missing(permZone.sources, sources);
    if (add.length) steps.push({ args: ['--permanent', `--zone=${rfoZone}`, ...repeat('add-source', add)] });
    if (drop.length) steps.push({ args: ['--permanent', `--zone=${rfoZone}`, ...repeat('remove-source', drop)] });
    if (add.length || drop.length) done.push(`zone ${rfoZone} sources ${[...add.map((s) => `+${s}`), ...drop.map((s) => `-${s}`)].join(' ')}`);
  }
  if (perm.servicePorts === undefined) {
    steps.push({ args: ['--permanent', '--new-service-from-file={file}', `--name=${rfoService}`], file: renderServiceXml(want.ports) });
    done.push(`created service ${rfoService} (${want.ports.join(' ')})`);
  } else {
    const add = missing(want.ports, perm.servicePorts);
    const drop = missing(perm.servicePorts, want.ports);
    if (add.length) steps.push({ args: ['--permanent', `--service=${rfoService}`, ...repeat('add-port', add)] });
    if (drop.length) steps.push({ args: ['--permanent', `--service=${rfoService}`, ...repeat('remove-port', drop)] });
    if (add.length || drop.length) done.push(`service ${rfoService} ports ${[...add.map((p) => `+${p}`), ...drop.map((p) => `-${p}`)].join(' ')}`);
  }
  if (!(perm.zones.get(zone)?.services ?? []).includes(rfoService)) {
    steps.push({ args: ['--permanent', `--zone=${zone}`, `--add-service=${rfoService}`] });
    done.push(`added service ${rfoService} to zone ${zone}`);
  }

  // The runtime catches up with a reload; one is needed too when only the runtime differs (changed by hand).
  const rt = state.runtime;
  const rtZone = rt.zones.get(rfoZone);
  const runtimeOk =
    rtZone !== undefined &&
    rtZone.target === 'ACCEPT' &&
    sameSet(rtZone.sources, sources) &&
    rt.servicePorts !== undefined &&
    sameSet(rt.servicePorts, want.ports) &&
    (rt.zones.get(zone)?.services ?? []).includes(rfoService);
  const reload = steps.length > 0 || !runtimeOk;
  if (steps.length === 0 && reload) done.push('runtime differed from the permanent configuration');

  const inPlace = `zone ${rfoZone} accepts ${sources.join(', ') || 'no source'}; service ${rfoService} (${want.ports.join(' ')}) in zone ${zone}`;
  const summary = done.length
    ? `firewalld: ${[...done, ...notes].join('; ')}; reloaded. Now: ${inPlace}`
    : `firewalld: already in place (${[inPlace, ...notes].join('; ')})`;
  return { zone, steps, reload, summary };
}

/** Steps that take away everything named rfo (the service from every zone first, then the definitions). */
export function planFirewalldRemoval(state: Pick<FirewalldState, 'permanent' | 'runtime'>): FirewalldPlan {
  const perm = state.permanent;
  const steps: FirewalldStep[] = [];
  const done: string[] = [];
  for (const z of perm.zones.values()) {
    if (z.services.includes(rfoService)) {
      steps.push({ args: ['--permanent', `--zone=${z.name}`, `--remove-service=${rfoService}`] });
      done.push(`service ${rfoService} from zone ${z.name}`);
    }
  }
  if (perm.zones.has(rfoZone)) {
    steps.push({ args: ['--permanent', `--delete-zone=${rfoZone}`] });
    done.push(`zone ${rfoZone}`);
  }
  if (perm.servicePorts !== undefined) {
    steps.push({ args: ['--permanent', `--delete-service=${rfoService}`] });
    done.push(`service ${rfoService}`);
  }
  const inRuntime = state.runtime.zones.has(rfoZone) || state.runtime.servicePorts !== undefined || [...state.runtime.zones.values()].some((z) => z.services.includes(rfoService));
  const reload = steps.length > 0 || inRuntime;
  return { zone: '', steps, reload, summary: reload ? `firewalld: removed ${done.join(', ') || "rfo's runtime rules"}; reloaded` : 'firewalld: nothing of rfo to remove' };
}
