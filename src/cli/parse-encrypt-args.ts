// Pure: `rfo secrets-encrypt <verb> [flags]`: the verb, its flags (for
// resolveConfig) and anything left over (refused by the command).

import { parseCommandArgs } from './parse-command-args.ts';

export const encryptVerbs = ['status', 'enable', 'disable', 'prepare', 'rotate', 'reencrypt', 'rotate-keys'] as const;
export type EncryptVerb = (typeof encryptVerbs)[number];

export function parseEncryptArgs(args: readonly string[]): { verb: EncryptVerb | undefined; flags: string[]; extra: string[] } {
  const [first = '', ...rest] = args;
  const verb = (encryptVerbs as readonly string[]).includes(first) ? (first as EncryptVerb) : undefined;
  const { flags, positional } = parseCommandArgs('secrets-encrypt', verb ? rest : args);
  return { verb, flags, extra: positional };
}
