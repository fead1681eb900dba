// Pure: turn config files, environment and command-line arguments into one
// set of option values, with RKE2's rules: defaults < config.yaml <
// config.yaml.d/*.yaml (name order) < RFO_* environment < flags; a key
// ending in "+" appends to a list instead of replacing it. Every problem is
// collected (file and key named) so one run shows them all.

import { parse as parseYaml } from 'yaml';
import { checkValue } from './validate-flag.ts';
import { envNameOf, findFlag, flagTable, flagsFor } from './flags.ts';
import type { Command, FlagSpec } from './flags.ts';

export type FlagValue = string | boolean | number | readonly string[];

export interface ConfigFile {
  readonly path: string;
  readonly text: string;
}

export interface ConfigSources {
  readonly command: Command;
  /** The main config file first (if it exists), then drop-ins in name order. */
  readonly files: readonly ConfigFile[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly args: readonly string[];
}

export interface ConfigIssue {
  /** Where: a file path, "environment" or "command line". */
  readonly source: string;
  readonly key: string;
  readonly message: string;
}

export interface ResolvedOptions {
  readonly values: Readonly<Record<string, FlagValue | undefined>>;
  /** Where each value came from: "default", a file path, "environment" or "command line". */
  readonly origins: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

export type ResolveResult = { ok: true; options: ResolvedOptions } | { ok: false; issues: ConfigIssue[] };

type Layer = Map<string, { value: FlagValue; append: boolean }>;

function coerce(flag: FlagSpec, raw: unknown, source: string, issues: ConfigIssue[]): FlagValue | undefined {
  const fail = (message: string) => {
    // Secrets (tokens) are never echoed, not even when malformed.
    issues.push({ source, key: flag.name, message: flag.secret ? message.replace(/, got .*$/, '') : message });
    return undefined;
  };
  switch (flag.type) {
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return fail(`expects true or false, got ${JSON.stringify(raw)}`);
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      return Number.isInteger(n) ? n : fail(`expects a whole number, got ${JSON.stringify(raw)}`);
    }
    case 'string':
      if (typeof raw === 'string' || typeof raw === 'number') return String(raw);
      return fail(`expects a single value, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}`);
    case 'list': {
      const items = Array.isArray(raw) ? raw : [raw];
      if (!items.every((i) => typeof i === 'string' || typeof i === 'number' || typeof i === 'boolean')) return fail('expects a value or a list of values');
      const strings = items.map(String);
      return flag.splitComma ? strings.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean) : strings;
    }
  }
}

function fileLayer(file: ConfigFile, command: Command, issues: ConfigIssue[], warnings: string[]): Layer {
  const layer: Layer = new Map();
  let doc: unknown;
  try {
    doc = parseYaml(file.text);
  } catch (err) {
    issues.push({ source: file.path, key: '', message: `is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}` });
    return layer;
  }
  if (doc === null || doc === undefined) return layer;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    issues.push({ source: file.path, key: '', message: 'must be a YAML mapping of option: value' });
    return layer;
  }
  for (const [rawKey, raw] of Object.entries(doc as Record<string, unknown>)) {
    const append = rawKey.endsWith('+');
    const key = append ? rawKey.slice(0, -1) : rawKey;
    const flag = findFlag(key, command) ?? flagTable.find((f) => f.short === key);
    if (!flag) {
      issues.push({ source: file.path, key: rawKey, message: 'is not an rfo option' });
      continue;
    }
    if (!flag.commands.includes(command)) {
      warnings.push(`${file.path}: "${key}" applies to rfo ${flag.commands.join('/')}, not rfo ${command}; ignored`);
      continue;
    }
    if (flag.name === 'config') {
      issues.push({ source: file.path, key, message: 'cannot be set inside a config file' });
      continue;
    }
    if (append && flag.type !== 'list') {
      issues.push({ source: file.path, key: rawKey, message: `"+" appends to list options only; ${key} takes one value` });
      continue;
    }
    const value = coerce(flag, raw, file.path, issues);
    if (value !== undefined) layer.set(flag.name, { value, append });
  }
  return layer;
}

function envLayer(env: ConfigSources['env'], command: Command, issues: ConfigIssue[]): Layer {
  const layer: Layer = new Map();
  for (const flag of flagsFor(command)) {
    const raw = env[envNameOf(flag)];
    if (raw === undefined || raw === '') continue;
    const value = coerce(flag, flag.type === 'list' ? raw.split(',') : raw, 'environment', issues);
    if (value !== undefined) layer.set(flag.name, { value, append: false });
  }
  return layer;
}

/** Parse `--name=value`, `--name value`, `-x value`, and bare `--bool`. */
export function argsLayer(args: readonly string[], command: Command, issues: ConfigIssue[]): Layer {
  const layer: Layer = new Map();
  const flags = flagsFor(command);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const m = /^(--?)([A-Za-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      issues.push({ source: 'command line', key: arg, message: `unexpected argument; rfo ${command} takes only --flags` });
      continue;
    }
    const [, dashes, name = '', inline] = m;
    const flag = flags.find((f) => (dashes === '--' ? f.name === name || f.aliases?.includes(name) === true : f.short === name));
    if (!flag) {
      issues.push({ source: 'command line', key: arg, message: `unknown flag for rfo ${command}` });
      continue;
    }
    let raw: string | undefined = inline;
    if (raw === undefined) {
      if (flag.type === 'bool') raw = 'true';
      else if (i + 1 < args.length) raw = args[++i];
      else {
        issues.push({ source: 'command line', key: `--${flag.name}`, message: 'needs a value' });
        continue;
      }
    }
    const value = coerce(flag, raw, 'command line', issues);
    if (value === undefined) continue;
    const prev = layer.get(flag.name);
    // Repeating a list flag on the command line accumulates its values.
    if (flag.type === 'list' && prev && Array.isArray(prev.value)) {
      layer.set(flag.name, { value: [...(prev.value as string[]), ...(value as string[])], append: false });
    } else layer.set(flag.name, { value, append: false });
  }
  return layer;
}

export function resolveConfig(sources: ConfigSources): ResolveResult {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const values: Record<string, FlagValue | undefined> = {};
  const origins: Record<string, string> = {};
  for (const flag of flagsFor(sources.command)) {
    values[flag.name] = flag.default;
    origins[flag.name] = 'default';
  }
  const layers: [string, Layer][] = [
    ...sources.files.map((f): [string, Layer] => [f.path, fileLayer(f, sources.command, issues, warnings)]),
    ['environment', envLayer(sources.env, sources.command, issues)],
    ['command line', argsLayer(sources.args, sources.command, issues)],
  ];
  for (const [source, layer] of layers) {
    for (const [name, { value, append }] of layer) {
      const prev = values[name];
      values[name] = append && origins[name] !== 'default' && Array.isArray(prev) ? [...(prev as string[]), ...(value as string[])] : value;
      origins[name] = source;
    }
  }
  for (const flag of flagsFor(sources.command)) {
    const value = values[flag.name];
    if (!flag.check || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const problem = checkValue(flag.check, String(item));
      if (problem) issues.push({ source: origins[flag.name] ?? 'default', key: flag.name, message: flag.secret ? 'has an invalid value' : problem });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, options: { values, origins, warnings } };
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `  ${i.source}: ${i.key ? `${i.key}: ` : ''}${i.message}`).join('\n');
}
