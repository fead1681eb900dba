// npm run gen:gomod [component...]
// Regenerates go/<component>/go.mod from the version table, then lets
// `go mod tidy` pin every dependency in go.sum. Run it after changing a
// version in src/versions/table.ts and commit the result.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseStagingReplaces, renderWrapperGoMod } from '../src/build/gomod.ts';
import { parseGoImports, renderTestDepsFile, testDepsFileName } from '../src/build/test-deps.ts';
import { components, goToolchain } from '../src/versions/table.ts';
import type { ComponentId } from '../src/versions/table.ts';
import { recipesFor } from '../src/versions/recipes.ts';
import { runChecked } from '../src/util/exec.ts';
import { wrapperDir } from '../src/build/paths.ts';

// The pinned toolchain, so tidy resolves exactly as the build will.
const goEnv = { ...process.env, GOTOOLCHAIN: goToolchain, GOFLAGS: '-mod=mod' };

async function kubernetesModule(version: string): Promise<{ GoMod: string; Dir: string }> {
  const { stdout } = await runChecked({
    cmd: 'go',
    args: ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`],
    env: goEnv,
    cwd: '/',
    purpose: 'downloading k8s.io/kubernetes',
  });
  return JSON.parse(stdout) as { GoMod: string; Dir: string };
}

async function kubernetesGoMod(version: string): Promise<string> {
  return readFile((await kubernetesModule(version)).GoMod, 'utf8');
}

/** The imports of a package's *_test.go files inside the pinned k8s.io/kubernetes module (test binaries). */
async function testImports(version: string, pkg: string): Promise<string[]> {
  const dir = join((await kubernetesModule(version)).Dir, pkg.replace(/^k8s\.io\/kubernetes\/?/, ''));
  const files = (await readdir(dir)).filter((f) => f.endsWith('_test.go'));
  return (await Promise.all(files.map(async (f) => parseGoImports(await readFile(join(dir, f), 'utf8'))))).flat();
}

async function generate(id: ComponentId): Promise<void> {
  const component = components[id];
  if (component.modules.length === 0) return;
  const dir = wrapperDir(id);
  await mkdir(dir, { recursive: true });
  // Kubernetes itself and every wrapper of its module (the conformance suite) replace the staging modules.
  const stagingModules = component.modules.includes('k8s.io/kubernetes') ? parseStagingReplaces(await kubernetesGoMod(component.version)) : undefined;
  await writeFile(join(dir, 'go.mod'), renderWrapperGoMod({ component, recipes: recipesFor(id), stagingModules }));
  const testPackages = recipesFor(id).flatMap((r) => (r.kind === 'go-binary' && r.testBinary ? [r.package] : []));
  if (testPackages.length > 0) {
    const imports = (await Promise.all(testPackages.map((p) => testImports(component.version, p)))).flat();
    await writeFile(join(dir, testDepsFileName), renderTestDepsFile(id.replace(/[^a-z0-9]/g, ''), testPackages, imports));
  }
  const started = Date.now();
  await runChecked({ cmd: 'go', args: ['mod', 'tidy'], cwd: dir, env: goEnv, purpose: `go mod tidy for ${id}` });
  console.log(`${dir.slice(dir.lastIndexOf("/go/") + 1)}/go.mod ${component.version} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}

const wanted = process.argv.slice(2);
for (const id of Object.keys(components) as ComponentId[]) {
  if (wanted.length === 0 || wanted.includes(id)) await generate(id);
}
