// `rfo etcd-snapshot save|list|delete|prune`: RKE2's subcommands. They read
// the server's config file (etcd-s3-*, etcd-snapshot-dir, data-dir,
// node-name...) and take the short --s3-*/--dir/--name flags on top.

import { RfoError } from '../errors.ts';
import { formatIssues, resolveConfig } from '../config/resolve-config.ts';
import { renderHelp } from '../config/render-help.ts';
import { readConfigSources } from '../config/read-config-sources.ts';
import { parseSnapshotArgs } from './parse-snapshot-args.ts';
import type { SnapshotVerb } from './parse-snapshot-args.ts';
import { adminKubeconfig, snapshotContext } from '../etcd/snapshot-context.ts';
import { deleteSnapshots, listSnapshots, pruneSnapshots, saveSnapshot } from '../etcd/snapshot-store.ts';
import { renderTable } from '../etcd/plan-snapshot-list.ts';
import { syncSnapshotObjects } from '../etcd/snapshot-objects.ts';
import { S3Error } from '../s3/client.ts';

const summary = `Manage etcd snapshots of this server.

Subcommands:
  save            take a snapshot now (--name, --compress, --dir, --s3...)
  list, ls        list local and S3 snapshots (-o json for scripts)
  delete, rm      delete the named snapshots (locally and in S3)
  prune           keep the newest --snapshot-retention snapshots of --name on this node`;

export async function etcdSnapshotCommand(args: string[], log: (m: string) => void): Promise<number> {
  const { verb, flags, names } = parseSnapshotArgs(args);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(renderHelp('etcd-snapshot', summary).replace('rfo etcd-snapshot [options]', 'rfo etcd-snapshot <save|list|delete|prune> [options] [names]'));
    return 0;
  }
  if (!verb) throw new RfoError('RFO_USAGE', `rfo etcd-snapshot needs a subcommand${args[0] ? `, not "${args[0]}"` : ''}`, { hint: 'one of save, list, delete, prune (rfo etcd-snapshot --help)' });
  if (verb !== 'delete' && names.length > 0) throw new RfoError('RFO_USAGE', `unexpected argument "${names[0]}" for etcd-snapshot ${verb}`, { hint: 'only delete takes snapshot names' });
  if (verb === 'delete' && names.length === 0) throw new RfoError('RFO_USAGE', 'etcd-snapshot delete needs the names of the snapshots', { hint: 'rfo etcd-snapshot list shows them' });
  const resolved = resolveConfig(await readConfigSources('etcd-snapshot', flags, process.env));
  if (!resolved.ok) throw new RfoError('RFO_CONFIG_INVALID', `invalid configuration:\n${formatIssues(resolved.issues)}`);
  const v = resolved.options.values;
  const ctx = snapshotContext(v, log);
  const output = String(v.output);
  if (output !== 'table' && output !== 'json') throw new RfoError('RFO_USAGE', `-o ${output}: use table or json`);
  // The objects are a view for kubectl; the snapshot itself is what counts.
  const sync = () => syncSnapshotObjects(ctx, adminKubeconfig(v)).catch((err: unknown) => log(`note: ETCDSnapshotFile objects not updated (${(err as Error).message.split('\n')[0] ?? ''})`));
  try {
    return await runVerb(verb);
  } catch (err) {
    if (err instanceof S3Error) throw new RfoError('RFO_SNAPSHOT_FAILED', err.message, { hint: 'check the S3 endpoint, credentials and bucket (etcd-s3-* / --s3-*) and that the server is reachable' });
    throw err;
  }

  async function runVerb(which: SnapshotVerb): Promise<number> {
    switch (which) {
      case 'save': {
        const r = await saveSnapshot(ctx, String(v.name), { compress: v['etcd-snapshot-compress'] === true, retention: 0 });
        await sync();
        if (r.s3?.status === 'failed') {
          throw new RfoError('RFO_SNAPSHOT_FAILED', `snapshot ${r.local.file} saved locally, but the S3 upload failed: ${r.s3.message ?? ''}`, { hint: 'check the S3 settings and connectivity; the local file is kept and listed' });
        }
        process.stdout.write(`${r.local.file}\n`);
        return 0;
      }
      case 'list': {
        const rows = await listSnapshots(ctx);
        process.stdout.write(output === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : renderTable(rows));
        return 0;
      }
      case 'delete': {
        try {
          for (const d of await deleteSnapshots(ctx, names)) log(`deleted ${d}`);
        } finally {
          await sync();
        }
        return 0;
      }
      case 'prune': {
        const retention = Number(v['etcd-snapshot-retention']);
        if (!(retention >= 1)) throw new RfoError('RFO_USAGE', '--snapshot-retention must be at least 1');
        const pruned = await pruneSnapshots(ctx, String(v.name), retention);
        log(`pruned ${pruned.length} snapshot(s)${pruned.length ? `: ${pruned.join(', ')}` : ''}`);
        await sync();
        return 0;
      }
    }
  }
}
