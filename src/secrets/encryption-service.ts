// The imperative half of secrets encryption on a server.
//
// The cluster's record (keys, stage, generation) lives in etcd under
// /rfo/secrets-encryption, sealed with the server token as the rest of the
// bootstrap data: a snapshot restored on another node with the token brings
// its keys along, and a joining server reads them once its etcd member runs.
// Each server keeps the record's EncryptionConfiguration as
// server/cred/encryption-config.json (0600), which its kube-apiserver reloads
// by itself (it polls the file once a minute). A change is written to etcd
// with compare-and-swap, applied locally, and announced to the other servers
// (PUT /v1-rfo/encrypt/sync), which read it from etcd — no key crosses the
// wire outside etcd's TLS. A server that was down adopts the newest record at
// its next start, before its kube-apiserver starts.

import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { getKey, putKeyIf } from '../etcd/etcdctl.ts';
import type { EtcdClient } from '../etcd/etcdctl.ts';
import { openBootstrap, sealBootstrap } from '../join/bootstrap-crypto.ts';
import { joinRequest } from '../join/join-client.ts';
import { isConflict, isNotFound, KubeApiError } from '../kube/kube-client.ts';
import type { KubeClient } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/parse-watch-stream.ts';
import { typeOf } from '../kube/resource-path.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { encryptionConfigHash } from './encryption-config.ts';
import type { ProviderType } from './encryption-config.ts';
import { parseLoadedHash } from './parse-loaded-hash.ts';
import type { EncryptRequest } from './parse-encrypt-request.ts';
import { parseRecord, planInitialRecord, planPrepare, planReencryptFinish, planReencryptStart, planRotate, planToggle, renderRecord } from './plan-encryption-stage.ts';
import type { EncryptionRecord, Stage } from './plan-encryption-stage.ts';
import { planEncryptionStatus } from './render-encryption-status.ts';
import type { EncryptionStatus, ServerEncryptionState } from './render-encryption-status.ts';

export const recordKey = '/rfo/secrets-encryption';

export interface EncryptionServiceOptions {
  readonly credDir: string;
  readonly etcd: EtcdClient;
  /** The server token's password: seals the record. */
  readonly serverPassword: string;
  readonly nodeName: string;
  /** secrets-encryption-provider: the type of the keys this server makes. */
  readonly provider: ProviderType;
  /** secrets-encryption: whether a new cluster starts encrypted. */
  readonly enabledForNew: boolean;
  readonly adminClient: () => Promise<KubeClient>;
  /** The other servers' supervisor URLs (and names, for status). */
  readonly peers: () => Promise<readonly { readonly name: string; readonly url: string }[]>;
  /**
   * Whether a server that does not answer is down (its etcd member is not
   * healthy): it cannot write with an old key, and it takes the newest
   * configuration at its next start, so a stage need not wait for it. One
   * whose etcd member is healthy may still be writing: that one is waited for.
   */
  readonly peerDown: (name: string) => Promise<boolean>;
  readonly caPem: string;
  readonly log: (message: string) => void;
  /** How long a stage may take to reach every kube-apiserver (they poll once a minute). */
  readonly loadTimeoutMs?: number;
  /** Passes over every Secret before a reencryption gives up (default 4). */
  readonly rewriteAttempts?: number;
}

export function encryptionPaths(credDir: string) {
  return { config: join(credDir, 'encryption-config.json'), state: join(credDir, 'encryption-state.json') };
}

interface LocalState {
  readonly generation: number;
  readonly stage: Stage;
  /** sha256 of the sealed text it came from: an unchanged record is not opened again (PBKDF2 costs ~0.2 s). */
  readonly sealed: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const secretType = typeOf('v1', 'Secret');
const eventType = typeOf('v1', 'Event');

export type EncryptionService = ReturnType<typeof createEncryptionService>;

export function createEncryptionService(o: EncryptionServiceOptions) {
  const paths = encryptionPaths(o.credDir);
  let reencrypting = false;
  // Changes made through this server run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function readShared(): Promise<{ record: EncryptionRecord; modRevision: number; sealed: string } | undefined> {
    const v = await getKey(o.etcd, recordKey);
    if (!v) return undefined;
    return { record: parseRecord((await openBootstrap(o.serverPassword, v.value)).toString('utf8')), modRevision: v.modRevision, sealed: v.value };
  }

  async function mustReadShared() {
    const shared = await readShared();
    if (!shared) throw new RfoError('RFO_ENCRYPTION_FAILED', 'the cluster has no secrets-encryption record in etcd', { hint: 'restart rfo server on this node: it creates the record at start' });
    return shared;
  }

  async function readLocal(): Promise<LocalState | undefined> {
    try {
      return JSON.parse(await readFile(paths.state, 'utf8')) as LocalState;
    } catch {
      return undefined;
    }
  }

  async function writeLocal(record: EncryptionRecord, sealed: string): Promise<void> {
    const current = await readFile(paths.config, 'utf8').catch(() => undefined);
    // The previous file stays beside it (0600) until the next change: a way back if a stage goes wrong.
    if (current !== undefined && current !== record.config) await writeFileAtomic(`${paths.config}.prev`, current, 0o600);
    if (current !== record.config) await writeFileAtomic(paths.config, record.config, 0o600);
    const state: LocalState = { generation: record.generation, stage: record.stage, sealed: sha256(sealed) };
    await writeFileAtomic(paths.state, `${JSON.stringify(state)}\n`, 0o600);
  }

  /** Compare-and-swap in etcd, then the local file. */
  async function publish(modRevision: number, next: EncryptionRecord): Promise<void> {
    const sealed = await sealBootstrap(o.serverPassword, Buffer.from(renderRecord(next)));
    if (!(await putKeyIf(o.etcd, recordKey, sealed, modRevision))) {
      throw new RfoError('RFO_ENCRYPTION_STAGE', 'another server changed the secrets-encryption record at the same time; nothing was changed here', {
        hint: 'run `rfo secrets-encrypt status` and repeat the command if it is still needed',
      });
    }
    await writeLocal(next, sealed);
  }

  /**
   * Before kube-apiserver starts: the local file is the cluster's newest
   * record. A new cluster's first server makes the record (one random key);
   * if another server made one at the same moment, its record wins.
   */
  async function reconcileAtStart(): Promise<{ created: boolean; record?: EncryptionRecord }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const raw = await getKey(o.etcd, recordKey);
      const local = await readLocal();
      const haveFile = await readFile(paths.config, 'utf8').then(() => true, () => false);
      if (raw) {
        if (haveFile && local?.sealed === sha256(raw.value)) return { created: false };
        const record = parseRecord((await openBootstrap(o.serverPassword, raw.value)).toString('utf8'));
        await writeLocal(record, raw.value);
        o.log(`secrets encryption: adopted the cluster's configuration (generation ${record.generation}, stage ${record.stage})`);
        return { created: false, record };
      }
      const record = planInitialRecord({ provider: o.provider, enabled: o.enabledForNew, secret: randomBytes(32).toString('base64') });
      const sealed = await sealBootstrap(o.serverPassword, Buffer.from(renderRecord(record)));
      if (await putKeyIf(o.etcd, recordKey, sealed, 0)) {
        await writeLocal(record, sealed);
        o.log(`secrets encryption: ${o.enabledForNew ? `on (${o.provider})` : 'off (secrets-encryption: false)'}; new key ${o.provider}key`);
        return { created: true, record };
      }
    }
    throw new RfoError('RFO_ENCRYPTION_FAILED', 'could not agree on a secrets-encryption record with the other servers', { hint: 'check etcd health (rfo server logs) and start again' });
  }

  async function localState(): Promise<ServerEncryptionState> {
    const local = await readLocal();
    const text = await readFile(paths.config, 'utf8').catch(() => undefined);
    let loaded: string | undefined;
    try {
      loaded = parseLoadedHash(await (await o.adminClient()).requestText('GET', '/metrics', undefined, 'application/json', 10_000));
    } catch {
      loaded = undefined; // kube-apiserver not up (yet)
    }
    return {
      name: o.nodeName,
      ...(local ? { generation: local.generation, stage: local.stage } : {}),
      ...(text !== undefined ? { hash: encryptionConfigHash(text) } : {}),
      ...(loaded ? { loaded } : {}),
      reencrypting,
    };
  }

  async function peerStates(): Promise<ServerEncryptionState[]> {
    const peers = await o.peers();
    return Promise.all(
      peers.map(async (p) => {
        try {
          return JSON.parse(await joinRequest({ server: p.url, caPem: o.caPem, username: 'server', password: o.serverPassword }, 'GET', '/v1-rfo/encrypt/local', { timeoutMs: 15_000 })) as ServerEncryptionState;
        } catch (err) {
          return { name: p.name, error: (err as Error).message };
        }
      }),
    );
  }

  async function status(): Promise<EncryptionStatus> {
    // The servers first, then the record: a reencryption publishes its final stage before it
    // clears its flag, so a server seen idle here is never shown with the stage it had before it
    // finished (read the other way round, a finish in between looked like a stop).
    const servers = [await localState(), ...(await peerStates())];
    const { record } = await mustReadShared();
    return planEncryptionStatus(record, servers);
  }

  /** Tell the other servers to read the record now (one that misses it reads it at its next start). */
  async function announce(): Promise<void> {
    for (const p of await o.peers()) {
      await joinRequest({ server: p.url, caPem: o.caPem, username: 'server', password: o.serverPassword }, 'PUT', '/v1-rfo/encrypt/sync', { body: {}, timeoutMs: 15_000 }).catch((err: unknown) =>
        o.log(`secrets encryption: server ${p.name} did not take the change now (${(err as Error).message}); it reads it from etcd at its next start`),
      );
    }
  }

  async function sync(): Promise<ServerEncryptionState> {
    const shared = await readShared();
    const local = await readLocal();
    if (shared && local?.sealed !== sha256(shared.sealed)) {
      await writeLocal(shared.record, shared.sealed);
      o.log(`secrets encryption: took generation ${shared.record.generation} (stage ${shared.record.stage}) from the cluster`);
    }
    return localState();
  }

  /** Until every server's kube-apiserver has loaded this record's configuration. */
  async function waitLoadedEverywhere(record: EncryptionRecord): Promise<void> {
    const want = encryptionConfigHash(record.config);
    const deadline = Date.now() + (o.loadTimeoutMs ?? 180_000);
    let behind: string[] = [];
    const down = new Set<string>();
    while (Date.now() < deadline) {
      const states = [await localState(), ...(await peerStates())];
      for (const st of states) {
        if (st.error && !down.has(st.name) && (await o.peerDown(st.name))) {
          down.add(st.name);
          o.log(`secrets encryption: server ${st.name} is down (its etcd member is not healthy); it takes generation ${record.generation} at its next start`);
        }
      }
      behind = states.filter((st) => st.loaded !== want && !down.has(st.name)).map((st) => (st.error ? `${st.name} (${st.error})` : st.name));
      if (behind.length === 0) return;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    throw new RfoError('RFO_ENCRYPTION_FAILED', `the kube-apiserver of ${behind.join(', ')} did not load the new encryption configuration in time; the stage stays ${record.stage}`, {
      hint: 'start the servers that are down (they take the configuration at start), then see `rfo secrets-encrypt status` and continue from that stage',
    });
  }

  async function nodeEvent(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): Promise<void> {
    try {
      const client = await o.adminClient();
      const now = new Date().toISOString();
      await client.create(eventType, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${o.nodeName}.${randomBytes(6).toString('hex')}`, namespace: 'default' },
        involvedObject: { apiVersion: 'v1', kind: 'Node', name: o.nodeName, uid: o.nodeName },
        reason,
        message,
        type,
        source: { component: 'rfo-secrets-encrypt', host: o.nodeName },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
    } catch (err) {
      o.log(`secrets encryption: could not record event ${reason}: ${(err as Error).message}`);
    }
  }

  /**
   * A pass is idempotent (each Secret is rewritten with the active key), so a
   * pass cut short by the apiserver (a 5xx or a dropped connection while it
   * reloads its configuration, a restart) is run again instead of leaving the
   * rotation stuck at reencrypt_active for an operator to restart.
   */
  async function rewriteWithRetries(): Promise<number> {
    const attempts = o.rewriteAttempts ?? 4;
    for (let i = 1; ; i++) {
      try {
        return await rewriteAllSecrets();
      } catch (err) {
        if (i >= attempts || (err instanceof KubeApiError && err.status < 500 && err.status !== 429)) throw err;
        o.log(`secrets encryption: reencryption pass ${i} of ${attempts} failed (${(err as Error).message}); trying again in ${5 * i} s`);
        await new Promise((r) => setTimeout(r, 5_000 * i));
      }
    }
  }

  /**
   * Rewrite every Secret through kube-apiserver: one read with a key that is
   * not the first is "stale", so the unchanged update is written again with
   * the active key. A Secret changed meanwhile (409) or deleted (404) was
   * written by someone else with the active key already.
   */
  async function rewriteAllSecrets(): Promise<number> {
    const client = await o.adminClient();
    let done = 0;
    let cont: string | undefined;
    do {
      const page = await client.list<KubeObject>(secretType, { limit: 250, ...(cont ? { continue: cont } : {}) });
      const items = [...page.items];
      const worker = async () => {
        for (let s = items.shift(); s; s = items.shift()) {
          try {
            await client.replace(secretType, { ...s, apiVersion: 'v1', kind: 'Secret' });
          } catch (err) {
            if (!isConflict(err) && !isNotFound(err)) throw err;
          }
          done++;
          if (done % 50 === 0) void nodeEvent('SecretsProgress', `reencrypted ${done} Secrets`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      cont = page.continue;
    } while (cont);
    return done;
  }

  async function reencrypt(skip: boolean): Promise<void> {
    reencrypting = true;
    const t0 = Date.now();
    try {
      const started = await mustReadShared();
      // Nothing is rewritten before every server writes with the active key, or it could write with the old one after us.
      await waitLoadedEverywhere(started.record);
      const n = await rewriteWithRetries();
      const now = await mustReadShared();
      await publish(now.modRevision, planReencryptFinish(now.record, { skip }));
      await announce();
      o.log(`secrets encryption: reencrypted ${n} Secrets in ${((Date.now() - t0) / 1000).toFixed(1)} s${skip ? '' : '; the old keys are removed'}`);
      await nodeEvent('SecretsUpdateComplete', `reencrypted ${n} Secrets`);
    } catch (err) {
      o.log(`secrets encryption: reencryption failed: ${(err as Error).message}`);
      await nodeEvent('SecretsUpdateError', (err as Error).message, 'Warning');
    } finally {
      reencrypting = false;
    }
  }

  const secret = () => randomBytes(32).toString('base64');

  /** One stage change; long work (waiting for every server, rewriting Secrets) goes on in the background. */
  function change(req: EncryptRequest): Promise<string> {
    return serial(async () => {
      const { record, modRevision } = await mustReadShared();
      if (req.op === 'toggle') {
        await publish(modRevision, planToggle(record, { enabled: req.enable, force: req.force }));
        await announce();
        return `secrets-encryption ${req.enable ? 'enabled' : 'disabled'}`;
      }
      switch (req.stage) {
        case 'prepare':
          await publish(modRevision, planPrepare(record, { provider: o.provider, secret: secret(), now: new Date(), force: req.force }));
          await announce();
          return 'prepare completed successfully';
        case 'rotate':
          await publish(modRevision, planRotate(record, { force: req.force }));
          await announce();
          return 'rotate completed successfully';
        case 'reencrypt_active': {
          if (reencrypting) throw new RfoError('RFO_ENCRYPTION_STAGE', 'a reencryption is running on this server already', { hint: 'watch it with `rfo secrets-encrypt status`' });
          await publish(modRevision, planReencryptStart(record, { by: o.nodeName, force: req.force }));
          await announce();
          void reencrypt(req.skip);
          return 'reencryption started';
        }
        case 'rotate_keys': {
          if (reencrypting) throw new RfoError('RFO_ENCRYPTION_STAGE', 'a reencryption is running on this server already', { hint: 'watch it with `rfo secrets-encrypt status`' });
          const prepared = planPrepare(record, { provider: o.provider, secret: secret(), now: new Date(), force: req.force });
          const single = (await o.peers()).length === 0;
          // One server: nobody else must learn the new key before it writes, so it writes at once (K3s' rotate-keys).
          await publish(modRevision, single ? planRotate(prepared) : prepared);
          await announce();
          reencrypting = true;
          void rotateKeysRest(single).finally(() => undefined);
          return 'keys rotated, reencryption started';
        }
      }
    });
  }

  /** rotate-keys after its prepare: every server reads the new key, then it writes, then every Secret is rewritten. */
  async function rotateKeysRest(single: boolean): Promise<void> {
    try {
      if (!single) {
        const prepared = await mustReadShared();
        await waitLoadedEverywhere(prepared.record);
        const p2 = await mustReadShared();
        await publish(p2.modRevision, planRotate(p2.record));
        await announce();
      }
      const rotated = await mustReadShared();
      await publish(rotated.modRevision, planReencryptStart(rotated.record, { by: o.nodeName }));
      await announce();
    } catch (err) {
      reencrypting = false;
      o.log(`secrets encryption: rotate-keys stopped: ${(err as Error).message}`);
      await nodeEvent('SecretsUpdateError', (err as Error).message, 'Warning');
      return;
    }
    await reencrypt(false);
  }

  return { reconcileAtStart, localState, status, sync, change, paths };
}
