// Pure: which references `e2e.test --list-images` names get one of our
// images, and which stay unbuilt (said in the report, never hidden).

import type { ConformanceImageRecipe } from './images.ts';

/** Our images stand in only for the e2e test images upstream promotes; other registries are meant to fail or be private. */
export const e2eImagePrefix = 'registry.k8s.io/e2e-test-images/';

export interface PlannedImage {
  readonly recipe: ConformanceImageRecipe;
  /** Every listed reference of this image (agnhost has the current and the previous version). */
  readonly refs: readonly string[];
}

export interface ImagePlan {
  readonly build: readonly PlannedImage[];
  /** Listed references we build nothing for, with why. */
  readonly notBuilt: readonly { readonly ref: string; readonly reason: string }[];
}

/** `e2e.test --list-images`: one reference a line. */
export function parseListImages(stdout: string): string[] {
  return [...new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9.-]+(:\d+)?\/\S+:\S+$/.test(l)))].sort();
}

/** registry.k8s.io/e2e-test-images/agnhost:2.63.0 → agnhost. */
export function imageName(ref: string): string {
  const colon = ref.lastIndexOf(':');
  const repo = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
  return repo.slice(repo.lastIndexOf('/') + 1);
}

export function planConformanceImages(listed: readonly string[], recipes: readonly ConformanceImageRecipe[], runtimeImages: readonly string[]): ImagePlan {
  const build = new Map<string, string[]>();
  const notBuilt: { ref: string; reason: string }[] = [];
  for (const ref of listed) {
    const recipe = recipes.find((r) => r.name === imageName(ref) && ref.startsWith(`${r.repository ?? `${e2eImagePrefix}${r.name}`}:`));
    if (runtimeImages.includes(ref)) continue; // pause: every node has it already
    if (recipe) build.set(recipe.name, [...(build.get(recipe.name) ?? []), ref]);
    else if (!ref.startsWith(e2eImagePrefix)) notBuilt.push({ ref, reason: 'not an e2e test image (a registry specs expect to fail, or a private one)' });
    else notBuilt.push({ ref, reason: 'no recipe (src/conformance/images.ts)' });
  }
  return {
    build: recipes.filter((r) => build.has(r.name)).map((recipe) => ({ recipe, refs: build.get(recipe.name) ?? [] })),
    notBuilt,
  };
}
