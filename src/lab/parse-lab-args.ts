// Pure: `rfo lab <verb> [options] [node | kubectl args]` into a typed command.
// kubectl's own arguments pass through untouched after the verb, so
// `rfo lab kubectl get pods -A` works as typed.

import { RfoError } from '../errors.ts';
import { labDefaults } from './plan-lab.ts';

export type LabVerb = 'up' | 'down' | 'status' | 'stop' | 'start' | 'kubectl' | 'exec' | 'help';

export interface LabCommand {
  readonly verb: LabVerb;
  readonly labDir: string;
  readonly servers: number;
  readonly agents: number;
  readonly subnet: string;
  readonly name: string;
  /** --name was given (down without a state file only sweeps a name it was told). */
  readonly nameGiven: boolean;
  readonly runtimeDir?: string;
  readonly wait: boolean;
  readonly images: readonly string[];
  readonly output: 'table' | 'json';
  /** stop --hard: SIGKILL only, no rfo killall. */
  readonly hard: boolean;
  /** stop/start: the node; kubectl: its arguments; exec: the node, then the command. */
  readonly rest: readonly string[];
}

export const labUsage = `Usage: rfo lab <command> [options]

A multi-node cluster on this host: each node is a network namespace on a
bridge plus a private mount namespace, running rfo server or rfo agent.

Commands:
  up              create the lab and start its nodes (servers one at a time)
  down            stop every node and remove everything the lab made, data included
  status          NAME ROLE IP PID STATE READY of each node (-o json)
  stop <node>     kill a node's rfo and everything it started (data kept; --hard: SIGKILL only)
  start <node>    start a stopped node again with the same command line
  kubectl <args>  (lab options go before the verb) run kubectl against the lab (through the first running server)
  exec <node> <command...>  run a command inside a node's namespaces (a stopped node: a fresh one with its private dirs)

Options:
  --servers N       servers (default 1)
  --agents M        agents (default 0)
  --lab-dir DIR     lab state and node data (default $RFO_LAB_DIR, else /var/lib/rfo-lab)
  --subnet CIDR     node network (default 10.198.0.0/24; servers .11.., agents .21..)
  --name NAME       prefix of the bridge, namespaces and veths (default rfolab)
  --runtime-dir DIR runtime the nodes stage (default: as rfo server finds it)
  --images FILE     image archive to preload on every node (repeatable)
  --wait=false      return once nodes are started, without waiting until ready
  -o json           status as JSON
`;

const valueFlags = new Set(['--servers', '--agents', '--lab-dir', '--subnet', '--name', '--runtime-dir', '--images', '-o', '--output', '--wait']);

/** `envLabDir`: $RFO_LAB_DIR, the lab dir when --lab-dir is not given. */
export function parseLabArgs(argv: readonly string[], envLabDir?: string): LabCommand {
  // Lab options may come before the verb too: `rfo lab --lab-dir /tmp/l kubectl get nodes`.
  let lead = 0;
  while (lead < argv.length && (argv[lead] ?? '').startsWith('-') && !['--help', '-h'].includes(argv[lead] ?? '')) {
    const a = argv[lead] ?? '';
    lead += valueFlags.has(a) && a !== '--wait' ? 2 : 1;
  }
  const verb = argv[lead] ?? 'help';
  const args = [verb, ...argv.slice(0, lead), ...argv.slice(lead + 1)];
  // Past this index everything is the command's own: kubectl's arguments, or exec's node and command.
  const kubectlStart = verb === 'kubectl' || verb === 'exec' ? lead + 1 : Infinity;
  if (!['up', 'down', 'status', 'stop', 'start', 'kubectl', 'exec', 'help', '--help', '-h'].includes(verb)) {
    throw new RfoError('RFO_USAGE', `unknown lab command "${verb}"`, { hint: 'run `rfo lab help`' });
  }
  const values = new Map<string, string[]>();
  const rest: string[] = [];
  let i = 1;
  for (; i < args.length; i++) {
    const a = args[i] ?? '';
    if (i >= kubectlStart) break; // everything after `kubectl` is kubectl's
    if (a === '--help' || a === '-h') return parseLabArgs(['help'], envLabDir);
    const eq = a.indexOf('=');
    const flag = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : a;
    if (valueFlags.has(flag)) {
      let value: string | undefined;
      if (eq > 0 && a.startsWith('-')) value = a.slice(eq + 1);
      else if (flag === '--wait') value = 'true';
      else value = args[++i];
      if (value === undefined) throw new RfoError('RFO_USAGE', `${flag} needs a value`, { hint: 'run `rfo lab help`' });
      values.set(flag, [...(values.get(flag) ?? []), value]);
    } else if (a === '--no-wait') values.set('--wait', ['false']);
    else if (a === '--hard') values.set('--hard', ['true']);
    else if (a.startsWith('-')) throw new RfoError('RFO_USAGE', `unknown lab option ${a}`, { hint: 'run `rfo lab help`' });
    else rest.push(a);
  }
  rest.push(...args.slice(i));
  const last = (f: string) => values.get(f)?.at(-1);
  const int = (f: string, d: number) => {
    const v = last(f);
    if (v === undefined) return d;
    if (!/^\d+$/.test(v)) throw new RfoError('RFO_USAGE', `${f} ${v} is not a number`, { hint: 'e.g. --servers 3 --agents 2' });
    return Number(v);
  };
  const output = last('-o') ?? last('--output') ?? 'table';
  if (output !== 'table' && output !== 'json') throw new RfoError('RFO_USAGE', `-o ${output}: only json is supported`, { hint: 'rfo lab status -o json' });
  const wait = last('--wait') ?? 'true';
  if (wait !== 'true' && wait !== 'false') throw new RfoError('RFO_USAGE', `--wait=${wait}: true or false`, { hint: '--wait=false' });
  const runtimeDir = last('--runtime-dir');
  const normalized: LabVerb = verb === '--help' || verb === '-h' ? 'help' : (verb as LabVerb);
  if ((normalized === 'stop' || normalized === 'start') && rest.length !== 1) {
    throw new RfoError('RFO_USAGE', `rfo lab ${normalized} takes one node name`, { hint: `e.g. rfo lab ${normalized} s2 (rfo lab status lists them)` });
  }
  if (normalized === 'exec') {
    if (rest[1] === '--') rest.splice(1, 1);
    if (rest.length < 2) throw new RfoError('RFO_USAGE', 'rfo lab exec takes a node and a command', { hint: 'e.g. rfo lab exec s1 ip addr' });
  }
  return {
    verb: normalized,
    labDir: last('--lab-dir') ?? (envLabDir || labDefaults.labDir),
    servers: int('--servers', labDefaults.servers),
    agents: int('--agents', labDefaults.agents),
    subnet: last('--subnet') ?? labDefaults.subnet,
    name: last('--name') ?? labDefaults.name,
    nameGiven: last('--name') !== undefined,
    hard: last('--hard') === 'true',
    ...(runtimeDir ? { runtimeDir } : {}),
    wait: wait === 'true',
    images: values.get('--images') ?? [],
    output,
    rest,
  };
}
