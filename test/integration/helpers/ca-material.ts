// New CA material for `rfo certificate rotate-ca`, made with openssl as an
// operator would (K3s' rotate-default-ca-certs.sh does the same): a new CA
// and its copy cross-signed by the current CA, written as <dir>/<file>.crt
// (bundle: new CA first) and <dir>/<file>.key.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.ts';

async function openssl(...args: string[]): Promise<void> {
  const r = await run({ cmd: 'openssl', args });
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

export interface StageCa {
  /** Scratch space for the intermediate files. */
  readonly workRoot: string;
  /** The current CA's files (e.g. a server's tls dir): current(`${file}.crt`). */
  readonly current: (name: string) => string;
  readonly dir: string;
  /** Name under the tls dir without extension, e.g. `server-ca` or `etcd/peer-ca`. */
  readonly file: string;
  readonly cn: string;
  /** false: the bundle lacks the cross-signed copy (material rotate-ca must refuse). */
  readonly crossSigned?: boolean;
}

export async function stageCa(o: StageCa): Promise<void> {
  const work = await mkdtemp(join(o.workRoot, 'ca-'));
  const ext = join(work, 'ext.cnf');
  await writeFile(ext, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(work, 'new.key'));
  await openssl('req', '-x509', '-new', '-key', join(work, 'new.key'), '-subj', `/CN=${o.cn}`, '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign', '-out', join(work, 'new.crt'));
  await openssl('req', '-new', '-key', join(work, 'new.key'), '-subj', `/CN=${o.cn}`, '-out', join(work, 'new.csr'));
  await openssl('x509', '-req', '-in', join(work, 'new.csr'), '-CA', o.current(`${o.file}.crt`), '-CAkey', o.current(`${o.file}.key`), '-CAcreateserial', '-days', '3650', '-extfile', ext, '-out', join(work, 'cross.crt'));
  await mkdir(join(o.dir, o.file, '..'), { recursive: true });
  const bundle = (await readFile(join(work, 'new.crt'), 'utf8')) + (o.crossSigned === false ? '' : await readFile(join(work, 'cross.crt'), 'utf8'));
  await writeFile(join(o.dir, `${o.file}.crt`), bundle);
  await writeFile(join(o.dir, `${o.file}.key`), await readFile(join(work, 'new.key')), { mode: 0o600 });
}
