// npm run gen:gomod [component...]
// Regenerates go/<component>/go.mod from the version table, then lets
// `go mod tidy` pin every dependency in go.sum. Run it after changing a
// version in src/versions/table.ts and commit the result.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStagingReplaces, renderWrapperGoMod } from '../src/build/gomod.ts';
import { components, goToolchain } from '../src/versions/table.ts';
import type { ComponentId } from '../src/versions/table.ts';
import { recipesFor } from '../src/versions/recipes.ts';
import { runChecked } from '../src/util/exec.ts';
import { wrapperDir } from '../src/build/paths.ts';

// The pinned toolchain, so tidy resolves exactly as the build will.
const goEnv = { ...process.env, GOTOOLCHAIN: goToolchain, GOFLAGS: '-mod=mod' };

async function kubernetesGoMod(version: string): Promise<string> {
  const { stdout } = await runChecked({
    cmd: 'go',
    args: ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`],
    env: goEnv,
    cwd: '/',
    purpose: 'downloading k8s.io/kubernetes',
  });
  const info = JSON.parse(stdout) as { GoMod: string };
  return readFile(info.GoMod, 'utf8');
}

async function generate(id: ComponentId): Promise<void> {
  const component = components[id];
  if (component.modules.length === 0) return;
  const dir = wrapperDir(id);
  await mkdir(dir, { recursive: true });
  const stagingModules = id === 'kubernetes' ? parseStagingReplaces(await kubernetesGoMod(component.version)) : undefined;
  await writeFile(join(dir, 'go.mod'), renderWrapperGoMod({ component, recipes: recipesFor(id), stagingModules }));
  const started = Date.now();
  await runChecked({ cmd: 'go', args: ['mod', 'tidy'], cwd: dir, env: goEnv, purpose: `go mod tidy for ${id}` });
  console.log(`${dir.slice(dir.lastIndexOf("/go/") + 1)}/go.mod ${component.version} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

const wanted = process.argv.slice(2);
for (const id of Object.keys(components) as ComponentId[]) {
  if (wanted.length === 0 || wanted.includes(id)) await generate(id);
}
