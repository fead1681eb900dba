// Pure: `rfo <command> --help`, generated from the flag table so every flag
// is documented with its environment variable and default.

import { envNameOf, flagsFor } from './flags.ts';
import type { Command, FlagSpec } from './flags.ts';

function defaultText(f: FlagSpec): string {
  if (f.default === undefined || f.default === false) return '';
  if (Array.isArray(f.default)) return f.default.length > 0 ? ` (default: ${f.default.join(',')})` : '';
  return ` (default: ${String(f.default)})`;
}

export function renderHelp(command: Command, summary: string): string {
  const lines = [`Usage: rfo ${command} [options]`, '', summary, '', 'Options (config.yaml key = flag name):'];
  for (const f of flagsFor(command)) {
    const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'bool' ? '' : ' value'}`;
    const repeat = f.type === 'list' ? ' (repeatable)' : '';
    const aliases = f.aliases?.length ? ` (also ${f.aliases.map((a) => `--${a}`).join(', ')})` : '';
    lines.push(`  ${names.padEnd(38)} ${f.usage}${aliases}${repeat}${defaultText(f)} [$${envNameOf(f)}]`);
  }
  return `${lines.join('\n')}\n`;
}
