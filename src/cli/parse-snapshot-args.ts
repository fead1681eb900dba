// Pure: `rfo etcd-snapshot <save|list|ls|delete|rm|prune> [flags] [names]`:
// the subcommand, its flags (for resolveConfig) and the positional names
// (snapshots to delete).

import { parseCommandArgs } from './parse-command-args.ts';

export type SnapshotVerb = 'save' | 'list' | 'delete' | 'prune';

const verbs: Record<string, SnapshotVerb> = { save: 'save', list: 'list', ls: 'list', delete: 'delete', rm: 'delete', prune: 'prune' };

export function parseSnapshotArgs(args: readonly string[]): { verb: SnapshotVerb | undefined; flags: string[]; names: string[] } {
  const [first = '', ...rest] = args;
  const verb = verbs[first];
  const { flags, positional } = parseCommandArgs('etcd-snapshot', verb ? rest : args);
  return { verb, flags, names: positional };
}
