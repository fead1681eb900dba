// Reads the YAML files of a data module (a chart's source, e.g. the Gateway
// API CRDs) from its zip, fetched through the module proxy by `go mod
// download` (the go command checks it against the checksum database, we
// against the pinned h1 hash). Nothing of it is committed: it is third-party
// data, read at build time.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RfoError } from '../errors.ts';
import { run, tail } from '../util/exec.ts';
import { pinnedGoEnv } from './toolchain.ts';
import type { ModuleYamlFile } from '../charts/gateway-api-crds-chart.ts';

export interface ModulePin {
  readonly module: string;
  readonly version: string;
  readonly sum: string;
  readonly dir: string;
}

/** The *.yaml files of pin.dir, sorted by name, once the download's hash matches the pin. */
export async function readModuleYaml(pin: ModulePin): Promise<ModuleYamlFile[]> {
  const ref = `${pin.module}@${pin.version}`;
  const dl = await run({ cmd: 'go', args: ['mod', 'download', '-json', ref], cwd: '/', env: { ...pinnedGoEnv(), GOFLAGS: '-mod=mod' }, purpose: `downloading ${ref}` });
  const got = JSON.parse(dl.stdout || '{}') as { Dir?: string; Sum?: string; Error?: string };
  if (dl.code !== 0 || !got.Dir || !got.Sum) {
    throw new RfoError('RFO_MODULE_NOT_FOUND', `Go module ${ref} could not be downloaded: ${got.Error ?? tail(dl.stderr, 5)}`, {
      hint: 'check the version in src/versions/table.ts and that GOPROXY reaches the Go module proxy',
    });
  }
  if (got.Sum !== pin.sum) {
    throw new RfoError('RFO_BUILD_FAILED', `${ref} has hash ${got.Sum}, the version table pins ${pin.sum}`, {
      hint: 'if you bumped the version, set its data.sum in src/versions/table.ts to the new go.sum hash (go mod download -json prints it)',
    });
  }
  const dir = join(got.Dir, pin.dir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.yaml')).sort();
  if (names.length === 0) throw new RfoError('RFO_BUILD_FAILED', `${ref} has no *.yaml in ${pin.dir}`, { hint: 'check data.dir in src/versions/table.ts' });
  const files: ModuleYamlFile[] = [];
  for (const name of names) files.push({ name, text: await readFile(join(dir, name), 'utf8') });
  return files;
}
