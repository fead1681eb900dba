// Pure: the 5-field cron specs RKE2 takes for etcd-snapshot-schedule-cron
// (minute hour day-of-month month day-of-week; `*`, `*/n`, `a-b`, `a-b/n`,
// lists, month/day names, the @hourly/@daily/... shorthands, and robfig/cron's
// `@every <duration>` that RKE2 accepts too, e.g. `@every 6h` or `@every 90s`),
// and the next time a spec fires. Times are the server's local time, as in RKE2.

export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either fires. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** `@every <duration>`: a fixed interval in ms (whole seconds, at least 1 s); the fields are then unused. */
  readonly everyMs?: number;
}

const goDurationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration syntax (1h30m, 90s, 2.5h), in ms. */
function parseGoDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`"${text}" is not a duration (e.g. 6h, 1h30m, 90s)`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * (goDurationUnits[p[2] ?? ''] ?? 0), 0);
}

const shorthands: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldDef {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly namesFrom?: number;
}

const fields: readonly FieldDef[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day of month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: monthNames, namesFrom: 1 },
  // 7 is Sunday too, as in most crons.
  { label: 'day of week', min: 0, max: 7, names: dayNames, namesFrom: 0 },
];

function value(text: string, def: FieldDef): number {
  const named = def.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (def.namesFrom ?? 0);
  if (!/^\d+$/.test(text)) throw new Error(`${def.label}: "${text}" is not a number`);
  const n = Number(text);
  if (n < def.min || n > def.max) throw new Error(`${def.label}: ${n} is outside ${def.min}-${def.max}`);
  return n;
}

function parseField(text: string, def: FieldDef): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m?.[1]) throw new Error(`${def.label}: "${part}" is not valid`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`${def.label}: step must be at least 1`);
    let lo: number;
    let hi: number;
    if (m[1] === '*') [lo, hi] = [def.min, def.max];
    else if (m[1].includes('-')) {
      const [a = '', b = ''] = m[1].split('-');
      [lo, hi] = [value(a, def), value(b, def)];
      if (lo > hi) throw new Error(`${def.label}: range ${m[1]} runs backwards`);
    } else {
      lo = value(m[1], def);
      // "5/15" means from 5 to the end in steps of 15.
      hi = m[2] === undefined ? lo : def.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Throws an Error naming the bad field. */
export function parseCron(spec: string): CronSpec {
  const every = /^@every\s+(\S+)$/i.exec(spec.trim());
  if (every) {
    // As robfig/cron: sub-second parts are dropped and the interval is at least 1 s.
    const everyMs = Math.max(1000, Math.floor(parseGoDuration(every[1] ?? '') / 1000) * 1000);
    const none = new Set<number>();
    return { minutes: none, hours: none, daysOfMonth: none, months: none, daysOfWeek: none, domRestricted: false, dowRestricted: false, everyMs };
  }
  const text = shorthands[spec.trim().toLowerCase()] ?? spec.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) throw new Error(`"${spec}" needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const sets = parts.map((p, i) => parseField(p, fields[i] as FieldDef));
  const dow = sets[4] as Set<number>;
  if (dow.has(7)) dow.add(0);
  dow.delete(7);
  return {
    minutes: sets[0] as Set<number>,
    hours: sets[1] as Set<number>,
    daysOfMonth: sets[2] as Set<number>,
    months: sets[3] as Set<number>,
    daysOfWeek: dow,
    domRestricted: !(parts[2] ?? '').startsWith('*'),
    dowRestricted: !(parts[4] ?? '').startsWith('*'),
  };
}

function dayMatches(c: CronSpec, d: Date): boolean {
  const dom = c.daysOfMonth.has(d.getDate());
  const dow = c.daysOfWeek.has(d.getDay());
  if (c.domRestricted && c.dowRestricted) return dom || dow;
  return dom && dow;
}

/** The first whole minute strictly after `after` (local time) that the spec fires at (for `@every`, the interval after it). */
export function nextCronTime(c: CronSpec, after: Date): Date {
  // robfig/cron's constant delay: the interval after `after`, on a whole second.
  if (c.everyMs !== undefined) return new Date(Math.floor((after.getTime() + c.everyMs) / 1000) * 1000);
  const t = new Date(after.getTime());
  t.setSeconds(0, 0);
  t.setMinutes(t.getMinutes() + 1);
  // Field by field, jumping whole months, days and hours; four years covers Feb 29.
  const limit = after.getTime() + 4 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!c.months.has(t.getMonth() + 1)) {
      t.setMonth(t.getMonth() + 1, 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(c, t)) {
      t.setDate(t.getDate() + 1);
      t.setHours(0, 0, 0, 0);
      continue;
    }
    if (!c.hours.has(t.getHours())) {
      t.setHours(t.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (!c.minutes.has(t.getMinutes())) {
      t.setMinutes(t.getMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  throw new Error('the cron spec never fires (e.g. February 30)');
}
