// A release built by our own `buildRelease` into a temp dist, signed with a
// test "operator" key (RFO_SIGNING_KEY), as the release and install
// tests need it. The tarball and RPM are cached by their inputs, so a second
// build is a copy.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultCacheDir } from '../../../src/build/paths.ts';
import { createProgress } from '../../../src/build/progress.ts';
import { readToolchain } from '../../../src/build/toolchain.ts';
import { buildRelease } from '../../../src/release/build-release.ts';
import type { ReleaseResult } from '../../../src/release/build-release.ts';
import { rfoVersion } from '../../../src/versions/table.ts';
import { toolPaths } from './tools.ts';

export interface TestRelease {
  readonly root: string;
  readonly dist: string;
  readonly result: ReleaseResult;
  readonly keyFile: string;
}

/**
 * The tests' "operator" key: made once per machine outside the repo, so the
 * release and install tests (and a warm CI) share the cached tarball and RPM.
 */
export async function testKey(): Promise<string> {
  const keyFile = join(defaultCacheDir(), 'test-keys', 'release-key.pem');
  if (!existsSync(keyFile)) {
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return keyFile;
}

export async function buildTestRelease(prefix: string): Promise<TestRelease> {
  const root = await mkdtemp(prefix);
  const keyFile = await testKey();
  const dist = join(root, 'dist');
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  // Recorded conformance runs of this version (stand-ins written here, not a real run): the release publishes the whole-suite one, not the focused one.
  const conformanceResultsDir = join(root, 'conformance-results');
  for (const run of ['full', 'focus']) {
    const dir = join(conformanceResultsDir, rfoVersion(), run);
    await mkdir(dir, { recursive: true });
    for (const f of ['e2e.log', 'junit_01.xml', 'PRODUCT.yaml']) await writeFile(join(dir, f), `${run} ${f}\n`);
    await writeFile(join(dir, 'summary.json'), JSON.stringify({ version: rfoVersion(), passed: 446, failed: 0, ran: 446, durationSeconds: 3000, profile: 'default' }));
  }
  const result = await buildRelease({ distDir: dist, cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress, env: { ...process.env, RFO_SIGNING_KEY: keyFile }, conformanceResultsDir });
  return { root, dist, result, keyFile };
}

/** cosign, built from its Go module (cached by its inputs). */
export async function cosignPath(): Promise<string> {
  const path = (await toolPaths(['cosign'])).cosign;
  if (!path) throw new Error('cosign was not built');
  return path;
}
