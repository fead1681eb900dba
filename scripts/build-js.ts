// npm run build:js — the same sources as JavaScript in dist/js (types
// erased by tsc, relative imports rewritten to .js). Why: Node's built-in
// type stripping loads a WebAssembly TypeScript parser into every rfo
// process; measured on this host, importing rfo server's modules costs
// +63 MiB RSS as .ts and +30 MiB as .js, and twice the load time. bin/rfo
// runs dist/js while its stamp is newer than every source file, else the
// .ts sources directly, so a stale build is never used.

import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';

const out = join(repoRoot, 'dist', 'js');
const t0 = Date.now();
await rm(out, { recursive: true, force: true });
const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const r = spawnSync(tsc, ['-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('build:js: tsc failed; bin/rfo keeps running the .ts sources');
  process.exit(1);
}
// package.json's "type": "module" must reach the compiled files.
await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
// Its modification time is what counts: bin/rfo compares it with the sources'.
await writeFile(join(out, '.stamp'), '');
console.log(`build:js: dist/js written in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
