// Pure: the 5-field cron specs RKE2 takes for etcd-snapshot-schedule-cron
// (minute hour day-of-month month day-of-week; `*`, `*/n`, `a-b`, `a-b/n`,
// lists, month/day names, and the @hourly/@daily/... shorthands), and the next
// time a spec fires. Times are the server's local time, as in RKE2.

export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either fires. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
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

/** The first whole minute strictly after `after` (local time) that the spec fires at. */
export function nextCronTime(c: CronSpec, after: Date): Date {
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
