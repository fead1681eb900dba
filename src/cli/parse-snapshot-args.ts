// Pure: `rfo etcd-snapshot <save|list|ls|delete|rm|prune> [flags] [names]`:
// the subcommand, its flags (for resolveConfig) and the positional names
// (snapshots to delete).

import { flagsFor } from '../config/flags.ts';

export type SnapshotVerb = 'save' | 'list' | 'delete' | 'prune';

const verbs: Record<string, SnapshotVerb> = { save: 'save', list: 'list', ls: 'list', delete: 'delete', rm: 'delete', prune: 'prune' };

export function parseSnapshotArgs(args: readonly string[]): { verb: SnapshotVerb | undefined; flags: string[]; names: string[] } {
  const [first = '', ...rest] = args;
  const verb = verbs[first];
  const input = verb ? rest : args;
  const flags: string[] = [];
  const names: string[] = [];
  const table = flagsFor('etcd-snapshot');
  for (let i = 0; i < input.length; i++) {
    const a = input[i] ?? '';
    if (!a.startsWith('-')) {
      names.push(a);
      continue;
    }
    flags.push(a);
    if (a.includes('=')) continue;
    const name = a.replace(/^--?/, '');
    const flag = table.find((f) => (a.startsWith('--') ? f.name === name || f.aliases?.includes(name) : f.short === name));
    if (flag && flag.type !== 'bool' && i + 1 < input.length) flags.push(input[++i] ?? '');
  }
  return { verb, flags, names };
}
