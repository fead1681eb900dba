// Tells systemd the service is ready (Type=notify units). Node cannot send
// unix datagrams, so systemd-notify sends READY=1 on rfo's behalf, with
// rfo's PID as the sender so the default NotifyAccess=main accepts it.

import { run } from '../util/exec.ts';

export async function notifySystemd(env: NodeJS.ProcessEnv, status: string, log: (m: string) => void): Promise<boolean> {
  if (!env.NOTIFY_SOCKET) return false;
  try {
    const r = await run({ cmd: 'systemd-notify', args: ['--ready', `--pid=${process.pid}`, `--status=${status}`], env });
    if (r.code === 0) return true;
    log(`could not notify systemd: ${r.stderr.trim()}`);
  } catch (err) {
    log(`could not notify systemd (${(err as Error).message}); a Type=notify unit will time out`);
  }
  return false;
}
