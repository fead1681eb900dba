// Test and release tools (version-table entries with `tool: true`) built from
// source on demand; cached by their inputs, so only a cold CI compiles them.

import { buildTools } from '../../../src/build/build-tools.ts';
import { defaultCacheDir } from '../../../src/build/paths.ts';
import { createProgress } from '../../../src/build/progress.ts';
import { readToolchain } from '../../../src/build/toolchain.ts';
import { components } from '../../../src/versions/table.ts';
import type { ComponentId } from '../../../src/versions/table.ts';

// Not the conformance suite and its lab registry (testTool): only `npm run conformance` builds all of them (e2e.test is a
// 12-minute link) and checks their versions; a test that needs the registry asks for it by name.
export const toolIds = (Object.keys(components) as ComponentId[]).filter((id) => components[id].tool === true && components[id].testTool !== true);

/** Binary name → path for the given tools (all tools by default). */
export async function toolPaths(ids: readonly ComponentId[] = toolIds): Promise<Record<string, string>> {
  const progress = createProgress((line) => process.stderr.write(`${line}\n`));
  return buildTools(ids, { cacheDir: defaultCacheDir(), toolchain: await readToolchain(), progress });
}
