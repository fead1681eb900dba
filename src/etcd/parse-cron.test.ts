import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextCronTime, parseCron } from './parse-cron.ts';

const at = (s: string) => new Date(s); // local time, no Z
const next = (spec: string, from: string) => {
  const d = nextCronTime(parseCron(spec), at(from));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

test("RKE2's default fires at 00:00 and 12:00", () => {
  assert.equal(next('0 */12 * * *', '2026-03-04T00:00:00'), '2026-03-04T12:00');
  assert.equal(next('0 */12 * * *', '2026-03-04T12:00:30'), '2026-03-05T00:00');
});

test('every minute fires on the next whole minute, never the current one', () => {
  assert.equal(next('* * * * *', '2026-03-04T10:15:00'), '2026-03-04T10:16');
  assert.equal(next('* * * * *', '2026-03-04T10:15:59'), '2026-03-04T10:16');
  assert.equal(next('*/5 * * * *', '2026-03-04T10:16:00'), '2026-03-04T10:20');
});

test('ranges, steps over ranges, lists and names', () => {
  const c = parseCron('1-10/3,30 8-9 * jan-mar mon-fri');
  assert.deepEqual([...c.minutes], [1, 4, 7, 10, 30]);
  assert.deepEqual([...c.hours], [8, 9]);
  assert.deepEqual([...c.months], [1, 2, 3]);
  assert.deepEqual([...c.daysOfWeek].sort(), [1, 2, 3, 4, 5]);
  assert.deepEqual([...parseCron('5/20 * * * *').minutes], [5, 25, 45]);
  // 2026-03-07 is a Saturday: next weekday is Monday the 9th.
  assert.equal(next('30 8 * * mon-fri', '2026-03-07T09:00:00'), '2026-03-09T08:30');
});

test('shorthands and Sunday as 7', () => {
  assert.equal(next('@hourly', '2026-03-04T10:15:00'), '2026-03-04T11:00');
  assert.equal(next('@daily', '2026-12-31T10:15:00'), '2027-01-01T00:00');
  assert.equal(next('0 0 * * 7', '2026-03-04T10:00:00'), '2026-03-08T00:00');
});

test('when both day fields are restricted either one matches (cron rule)', () => {
  // The 1st of the month or any Friday: from Wed 2026-03-04 the Friday comes first.
  assert.equal(next('0 0 1 * fri', '2026-03-04T10:00:00'), '2026-03-06T00:00');
});

test('leap day and month ends', () => {
  assert.equal(next('0 0 29 2 *', '2026-03-01T00:00:00'), '2028-02-29T00:00');
  assert.equal(next('0 0 31 * *', '2026-04-01T00:00:00'), '2026-05-31T00:00');
});

test('bad specs name the field', () => {
  assert.throws(() => parseCron('0 */12 * *'), /needs 5 fields/);
  assert.throws(() => parseCron('60 * * * *'), /minute: 60 is outside 0-59/);
  assert.throws(() => parseCron('* 5-2 * * *'), /hour: range 5-2 runs backwards/);
  assert.throws(() => parseCron('*/0 * * * *'), /step must be at least 1/);
  assert.throws(() => parseCron('* * * foo *'), /month: "foo" is not a number/);
  assert.throws(() => nextCronTime(parseCron('0 0 30 2 *'), new Date()), /never fires/);
});

test('@every <duration> as robfig/cron (RKE2): a fixed interval on whole seconds, at least 1 s', () => {
  const at = new Date('2026-12-05T10:00:00.700Z');
  assert.equal(nextCronTime(parseCron('@every 20s'), at).toISOString(), '2026-12-05T10:00:20.000Z');
  assert.equal(nextCronTime(parseCron('@every 1h30m'), at).toISOString(), '2026-12-05T11:30:00.000Z');
  assert.equal(nextCronTime(parseCron('@EVERY 2.5m'), at).toISOString(), '2026-12-05T10:02:30.000Z');
  assert.equal(parseCron('@every 300ms').everyMs, 1000);
  assert.equal(parseCron('@every 1500ms').everyMs, 1000);
  for (const bad of ['@every', '@every 5', '@every 5d', '@every 1h x', '@every -5s']) assert.throws(() => parseCron(bad), /not a duration|needs 5 fields/, bad);
});
