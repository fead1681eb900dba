// Pure: a kconfig .config (busybox, like Linux) with some options set. Each
// option must already be in the file (as `CONFIG_X=...` or `# CONFIG_X is not
// set`): an option upstream's config does not know means the recipe is wrong,
// and kconfig would silently drop it.

import { RfoError } from '../errors.ts';

export function renderKconfig(config: string, set: Readonly<Record<string, 'y' | 'n'>>): string {
  const lines = config.split('\n');
  for (const [key, value] of Object.entries(set)) {
    if (!/^CONFIG_[A-Z0-9_]+$/.test(key)) throw new RfoError('RFO_BUILD_FAILED', `${key} is not a kconfig option name`, { hint: 'kconfig options are CONFIG_ and upper case' });
    const i = lines.findIndex((l) => l.startsWith(`${key}=`) || l === `# ${key} is not set`);
    if (i < 0) throw new RfoError('RFO_BUILD_FAILED', `${key} is not an option of this source's config`, { hint: 'check the make-binary recipe in src/versions/recipes.ts against the source' });
    lines[i] = value === 'y' ? `${key}=y` : `# ${key} is not set`;
  }
  return lines.join('\n');
}
