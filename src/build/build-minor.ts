// `--minor 1.35` on a build command: the version tables are chosen when
// src/versions/table.ts loads (RFO_BUILD_MINOR), so a command given --minor
// runs itself again with that variable set, before it builds anything.

import { spawnSync } from 'node:child_process';
import { RfoError } from '../errors.ts';
import { minorLines } from '../versions/minors.ts';

/** Pure: the minor named by `--minor X` / `--minor=X` / `--version vX.Y.Z+rforN` (or `--minor all`), and argv without it. */
export function parseMinorArg(argv: readonly string[]): { minor?: string; rest: string[] } {
  const rest: string[] = [];
  let minor: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = /^--(minor|version)=(.*)$/.exec(a);
    const [flag, value] = eq ? [eq[1], eq[2]] : a === '--minor' || a === '--version' ? [a.slice(2), argv[++i]] : [undefined, undefined];
    if (!flag) {
      rest.push(a);
      continue;
    }
    if (!value) throw new RfoError('RFO_USAGE', `--${flag} needs a value`, { hint: '--minor 1.37, --minor all, or --version v1.37.2+rfor1' });
    if (flag === 'minor' && value === 'all') {
      minor = 'all';
      continue;
    }
    const m = flag === 'minor' ? /^v?(\d+\.\d+)$/.exec(value) : /^v(\d+\.\d+)\.\d+(\+rfor\d+)?$/.exec(value);
    const wanted = m?.[1];
    const line = minorLines.find((l) => l.minor === wanted);
    if (!line) throw new RfoError('RFO_VERSION_UNKNOWN', `--${flag} ${value}: not a maintained minor`, { hint: `maintained: ${minorLines.map((l) => `${l.minor} (${l.kubernetes})`).join(', ')}` });
    if (flag === 'version' && !value.startsWith(`${line.kubernetes}+`) && value !== line.kubernetes) {
      throw new RfoError('RFO_VERSION_UNKNOWN', `--version ${value}: this checkout pins ${line.kubernetes} for ${line.minor}`, { hint: `use --version ${line.kubernetes}+rfor1 or --minor ${line.minor}` });
    }
    minor = line.minor;
  }
  return { ...(minor ? { minor } : {}), rest };
}

/**
 * Runs the current script again with RFO_BUILD_MINOR set when --minor names
 * another minor than the loaded tables; returns the argv to go on with
 * otherwise. Exits with the child's code after a re-run.
 */
export function reexecForMinor(argv: readonly string[]): string[] {
  const { minor, rest } = parseMinorArg(argv);
  if (minor === 'all') runForEveryMinor(rest);
  if (!minor || process.env.RFO_BUILD_MINOR === minor) return rest;
  const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...rest], { stdio: 'inherit', env: { ...process.env, RFO_BUILD_MINOR: minor } });
  process.exit(r.status ?? 1);
}

/**
 * `--minor all`: the command once per maintained minor, oldest first (a
 * release then writes every version directory and channels.json names them
 * all), stopping at the first failure. Exits with the last child's code.
 */
function runForEveryMinor(rest: readonly string[]): never {
  const started = Date.now();
  for (const line of minorLines) {
    process.stderr.write(`--minor all: ${line.minor} (${line.kubernetes}), ${Math.round((Date.now() - started) / 1000)}s elapsed\n`);
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...rest], { stdio: 'inherit', env: { ...process.env, RFO_BUILD_MINOR: line.minor } });
    if (r.status !== 0) {
      process.stderr.write(`--minor all: ${line.minor} failed (exit ${r.status ?? r.signal}); the minors after it were not run\n`);
      process.exit(r.status ?? 1);
    }
  }
  process.stderr.write(`--minor all: ${minorLines.map((l) => l.minor).join(', ')} done in ${Math.round((Date.now() - started) / 1000)}s\n`);
  process.exit(0);
}
