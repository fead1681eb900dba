// A test node: a network namespace with its own address on a veth pair, so
// a server under test has a real node IP and every byte of its traffic stays
// on this host, between the host and namespaces the test made. Commands run
// in it with `nsenter --net` (network only: mounts stay in the host's mount
// namespace, as on a real node, so cleanup can be checked from outside).

import { run } from '../../../src/util/exec.ts';
import type { ExecResult } from '../../../src/util/exec.ts';

export interface TestNode {
  readonly name: string;
  readonly ip: string;
  /** argv prefix that runs a command inside the node's network namespace. */
  readonly prefix: readonly string[];
  exec(cmd: string, args: readonly string[], input?: string): Promise<ExecResult>;
  destroy(): Promise<void>;
}

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run({ cmd, args });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

export async function createTestNode(name: string, index: number): Promise<TestNode> {
  const hostIf = `rfoh${index}`;
  const nodeIf = `rfon${index}`;
  const hostIp = `10.199.${index}.1`;
  const ip = `10.199.${index}.2`;
  await run({ cmd: 'ip', args: ['netns', 'delete', name] });
  await run({ cmd: 'ip', args: ['link', 'delete', hostIf] });
  await must('ip', ['netns', 'add', name]);
  await must('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nodeIf]);
  await must('ip', ['link', 'set', nodeIf, 'netns', name]);
  await must('ip', ['addr', 'add', `${hostIp}/24`, 'dev', hostIf]);
  await must('ip', ['link', 'set', hostIf, 'up']);
  await must('ip', ['-n', name, 'addr', 'add', `${ip}/24`, 'dev', nodeIf]);
  await must('ip', ['-n', name, 'link', 'set', nodeIf, 'up']);
  await must('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  // No default route: nothing the node sends can leave this host. Service
  // IPs need a route for the first lookup, before kube-proxy's DNAT.
  await must('ip', ['-n', name, 'route', 'add', '10.43.0.0/16', 'dev', nodeIf]);
  const prefix = ['nsenter', `--net=/run/netns/${name}`, '--'];
  return {
    name,
    ip,
    prefix,
    exec: (cmd, args, input) => run({ cmd: prefix[0] ?? 'nsenter', args: [...prefix.slice(1), cmd, ...args], ...(input !== undefined ? { input } : {}) }),
    async destroy() {
      await run({ cmd: 'ip', args: ['netns', 'delete', name] });
      await run({ cmd: 'ip', args: ['link', 'delete', hostIf] });
    },
  };
}
