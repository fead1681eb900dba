// npm run test:go — the Go tests of our own code in the wrapper modules
// (go/<component>/*_test.go, e.g. the HelmChart job entry), built with the
// pinned toolchain like the artifacts.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../src/build/paths.ts';
import { goToolchain } from '../src/versions/table.ts';

const goDir = join(repoRoot, 'go');
let failed = 0;
for (const dir of readdirSync(goDir).sort()) {
  if (!readdirSync(join(goDir, dir)).some((f) => f.endsWith('_test.go'))) continue;
  const r = spawnSync('go', ['test', '-count=1', '.'], { cwd: join(goDir, dir), stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: goToolchain, GOFLAGS: '-mod=readonly' } });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
