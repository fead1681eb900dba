// Pure: which e2e test images the source files holding [Conformance] specs
// name. `e2e.test --list-images` lists every image of every spec; this
// narrows it to the files conformance runs, so an image a conformance spec
// needs and no recipe builds is said before the run, not found as a 15-minute
// pod timeout in the middle of it (1.35's DNS specs and jessie-dnsutils).

/** test/utils/image/manifest.go: `configs[JessieDnsutils] = Config{list.PromoterE2eRegistry, "jessie-dnsutils", "1.7"}` → JessieDnsutils → jessie-dnsutils. */
export function parseImageConfigs(manifestGo: string): Map<string, string> {
  const configs = new Map<string, string>();
  for (const m of manifestGo.matchAll(/configs\[(\w+)\]\s*=\s*Config\{\s*[^,}]+,\s*"([^"]+)"/g)) {
    if (m[1] && m[2]) configs.set(m[1], m[2]);
  }
  return configs;
}

export interface GoSourceFile {
  readonly path: string;
  readonly text: string;
}

/** Image name → the files with a ConformanceIt spec that name it (imageutils.<Const>), sorted. */
export function conformanceFileImages(files: readonly GoSourceFile[], configs: ReadonlyMap<string, string>): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const f of files) {
    if (!/\bConformanceIt\(/.test(f.text)) continue;
    for (const m of f.text.matchAll(/\bimageutils\.(\w+)\b/g)) {
      const name = m[1] ? configs.get(m[1]) : undefined;
      if (name) found.set(name, (found.get(name) ?? new Set()).add(f.path));
    }
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)).map(([name, paths]) => [name, [...paths].sort()]));
}

/** The images conformance spec files name that are listed, meant to be built (an e2e test image) and have no recipe. */
export function missingSpecImages(specImages: ReadonlyMap<string, readonly string[]>, unbuiltNames: ReadonlySet<string>): { name: string; files: readonly string[] }[] {
  return [...specImages].filter(([name]) => unbuiltNames.has(name)).map(([name, files]) => ({ name, files }));
}
