// The lab's network on the host: a bridge holding .1 of the subnet, one
// network namespace and veth per node, and — when the host's FORWARD policy
// drops — ACCEPT rules for traffic between the bridge's ports (br_netfilter
// sends bridged frames through iptables). Nodes get no default route, so no
// lab traffic leaves the host. Removal goes by name, so it also cleans up
// after an `up` that crashed half way.

import { run } from '../util/exec.ts';
import { RfoError } from '../errors.ts';
import type { LabNodePlan, LabPlan } from './plan-lab.ts';
import { overlaps } from './plan-lab.ts';

async function must(args: string[], cmd = 'ip'): Promise<void> {
  const r = await run({ cmd, args, purpose: 'the lab network' });
  if (r.code !== 0) throw new RfoError('RFO_USAGE', `${cmd} ${args.join(' ')} failed: ${r.stderr.trim()}`, { hint: 'rfo lab down cleans up a half-made lab' });
}

/** Refuse a subnet that a host route already covers (another network, a previous lab under another name). */
export async function checkSubnetFree(plan: LabPlan): Promise<void> {
  const r = await run({ cmd: 'ip', args: ['-j', 'route', 'show', 'table', 'all'] });
  const routes = JSON.parse(r.stdout || '[]') as { dst: string; dev?: string; type?: string }[];
  for (const route of routes) {
    if (route.dst === 'default' || !/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(route.dst) || route.type === 'broadcast') continue;
    if (route.dst.startsWith('127.') || route.dev === plan.bridge) continue;
    if (overlaps(route.dst, plan.subnet)) {
      throw new RfoError('RFO_USAGE', `subnet ${plan.subnet} overlaps the host route ${route.dst}${route.dev ? ` dev ${route.dev}` : ''}`, { hint: 'choose another --subnet' });
    }
  }
}

/** `alwaysAccept` adds the ACCEPT rule even where FORWARD accepts anyway (tests exercise the rule's removal). */
export async function createBridge(plan: LabPlan, alwaysAccept = false): Promise<void> {
  await must(['link', 'add', plan.bridge, 'type', 'bridge']);
  await must(['addr', 'add', `${plan.bridgeIp}/${plan.prefixLength}`, 'dev', plan.bridge]);
  await must(['link', 'set', plan.bridge, 'up']);
  const policy = await run({ cmd: 'iptables', args: ['-S', 'FORWARD'] });
  if (alwaysAccept || /^-P FORWARD (DROP|REJECT)/m.test(policy.stdout)) {
    await must(['-I', 'FORWARD', '-i', plan.bridge, '-o', plan.bridge, '-m', 'comment', '--comment', plan.ruleComment, '-j', 'ACCEPT'], 'iptables');
  }
}

export async function createNodeNetwork(plan: LabPlan, node: LabNodePlan): Promise<void> {
  const peer = `${node.hostIf}p`; // ≤ 15 characters: plan-lab limits the name
  await must(['netns', 'add', node.netns]);
  await must(['link', 'add', node.hostIf, 'type', 'veth', 'peer', 'name', peer]);
  await must(['link', 'set', peer, 'netns', node.netns]);
  await must(['-n', node.netns, 'link', 'set', peer, 'name', node.nodeIf]);
  await must(['link', 'set', node.hostIf, 'master', plan.bridge]);
  await must(['link', 'set', node.hostIf, 'up']);
  await must(['-n', node.netns, 'addr', 'add', `${node.ip}/${plan.prefixLength}`, 'dev', node.nodeIf]);
  await must(['-n', node.netns, 'link', 'set', node.nodeIf, 'up']);
  await must(['-n', node.netns, 'link', 'set', 'lo', 'up']);
  // No default route. Service IPs need a route for the first lookup, before kube-proxy's DNAT.
  await must(['-n', node.netns, 'route', 'add', '10.43.0.0/16', 'dev', node.nodeIf]);
}

/** Everything named after the lab: namespaces <name>-*, links <name>br and <name>-*, rules with its comment. */
export async function removeNetwork(name: string, ruleComment: string): Promise<{ netns: number; links: number; rules: number }> {
  const links = await run({ cmd: 'ip', args: ['-j', 'link', 'show'] });
  const ours = (JSON.parse(links.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname).filter((l) => l === `${name}br` || l.startsWith(`${name}-`));
  // Listed before the namespaces go (that takes the veths with them); deleted after, veths before the bridge.
  const sorted = ours.sort((a, b) => Number(a.endsWith('br')) - Number(b.endsWith('br')));
  const ns = await run({ cmd: 'ip', args: ['-j', 'netns', 'list'] });
  const namespaces = (JSON.parse(ns.stdout || '[]') as { name: string }[]).map((n) => n.name).filter((n) => n.startsWith(`${name}-`));
  for (const n of namespaces) await run({ cmd: 'ip', args: ['netns', 'delete', n] });
  for (const l of sorted) if ((await run({ cmd: 'ip', args: ['link', 'show', l] })).code === 0) await run({ cmd: 'ip', args: ['link', 'delete', l] });
  let rules = 0;
  for (;;) {
    const saved = await run({ cmd: 'iptables', args: ['-S', 'FORWARD'] });
    const rule = saved.stdout.split('\n').find((l) => isLabRule(ruleArgs(l), ruleComment));
    if (!rule) break;
    const spec = ruleArgs(rule);
    const r = await run({ cmd: 'iptables', args: ['-D', ...spec.slice(1)] });
    if (r.code !== 0) throw new RfoError('RFO_USAGE', `could not delete iptables rule ${rule}: ${r.stderr.trim()}`, { hint: `delete it by hand: iptables -D ${spec.slice(1).join(' ')}` });
    rules++;
  }
  return { netns: namespaces.length, links: ours.length, rules };
}

/** `iptables -S` prints rules in shell syntax; split it back into argv (double quotes only). */
export function ruleArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

export function isLabRule(spec: readonly string[], ruleComment: string): boolean {
  return spec[0] === '-A' && spec.some((a, i) => a === '--comment' && spec[i + 1] === ruleComment);
}
