// The server's scheduled snapshots: one timer to the next cron time, one
// save at a time (a slow save skips a run rather than piling up), and the
// ETCDSnapshotFile objects refreshed after each run.

import { nextCronTime, parseCron } from './parse-cron.ts';
import { saveSnapshot } from './snapshot-store.ts';
import type { SnapshotContext } from './snapshot-store.ts';
import { syncSnapshotObjects } from './snapshot-objects.ts';

export interface ScheduleOptions {
  readonly cron: string;
  readonly name: string;
  readonly compress: boolean;
  readonly retention: number;
  readonly s3Retention: number;
  readonly kubeconfig: string;
}

export interface Scheduler {
  stop(): void;
}

export function startSnapshotScheduler(ctx: SnapshotContext, opts: ScheduleOptions): Scheduler {
  const spec = parseCron(opts.cron);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const at = nextCronTime(spec, new Date());
    // setTimeout drifts and caps at ~24.8 days; re-arm at most hourly.
    const delay = Math.min(at.getTime() - Date.now(), 3_600_000);
    timer = setTimeout(() => {
      if (Date.now() + 1000 < at.getTime()) return arm();
      void fire().finally(arm);
    }, Math.max(0, delay));
  };
  const fire = async () => {
    if (running) {
      ctx.log('scheduled snapshot skipped: the previous one is still running');
      return;
    }
    running = true;
    try {
      await saveSnapshot(ctx, opts.name, { compress: opts.compress, retention: opts.retention, s3Retention: opts.s3Retention });
    } catch (err) {
      ctx.log(`scheduled snapshot failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
    await syncSnapshotObjects(ctx, opts.kubeconfig).catch((err: unknown) => ctx.log(`updating ETCDSnapshotFile objects failed: ${(err as Error).message}`));
  };
  ctx.log(`scheduled etcd snapshots "${opts.cron}" (next ${nextCronTime(spec, new Date()).toISOString()}), keeping ${opts.retention}${ctx.s3 ? ` locally and ${opts.s3Retention} in S3` : ''}`);
  arm();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
