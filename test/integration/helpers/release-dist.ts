// A release built by our own `buildRelease` into a temp dist, signed with a
// throwaway "operator" key (RFO_SIGNING_KEY), as the release and install
// tests need it. The tarball and RPM are cached by their inputs, so a second
// build is a copy.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheDir } from '../../../src/build/paths.ts';
import { createProgress } from '../../../src/build/progress.ts';
import { readToolchain } from '../../../src/build/toolchain.ts';
import { buildRelease } from '../../../src/release/build-release.ts';
import type { ReleaseResult } from '../../../src/release/build-release.ts';
import { buildTools } from '../../../src/build/build-tools.ts';

export interface TestRelease {
  readonly root: string;
  readonly dist: string;
  readonly result: ReleaseResult;
  readonly keyFile: string;
}

export async function buildTestRelease(prefix: string): Promise<TestRelease> {
  const root = await mkdtemp(prefix);
  const keyFile = join(root, 'release-key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const dist = join(root, 'dist');
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const result = await buildRelease({ distDir: dist, cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress, env: { ...process.env, RFO_SIGNING_KEY: keyFile } });
  return { root, dist, result, keyFile };
}

/** cosign, built from its Go module (cached by its inputs). */
export async function cosignPath(): Promise<string> {
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  const paths = await buildTools(['cosign'], { cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress });
  if (!paths.cosign) throw new Error('cosign was not built');
  return paths.cosign;
}
