// Pure: a management command's arguments after its verb, split into flags
// (with their values, for resolveConfig) and positional words, by the flag table.

import { flagsFor } from '../config/flags.ts';
import type { Command } from '../config/flags.ts';

export function parseCommandArgs(command: Command, input: readonly string[]): { flags: string[]; positional: string[] } {
  const flags: string[] = [];
  const positional: string[] = [];
  const table = flagsFor(command);
  for (let i = 0; i < input.length; i++) {
    const a = input[i] ?? '';
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    flags.push(a);
    if (a.includes('=')) continue;
    const name = a.replace(/^--?/, '');
    const flag = table.find((f) => (a.startsWith('--') ? f.name === name || f.aliases?.includes(name) : f.short === name));
    if (flag && flag.type !== 'bool' && i + 1 < input.length) flags.push(input[++i] ?? '');
  }
  return { flags, positional };
}
