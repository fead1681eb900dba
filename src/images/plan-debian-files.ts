// Pure: which entries of the pinned Debian packages an image takes, as the
// image builder's files and symlinks. A path the recipe names that the
// package lacks is an error (a new package version moved it), never a
// silently smaller image.

import { RfoError } from '../errors.ts';
import type { ImageDebianFiles } from '../versions/recipes.ts';
import type { Arch } from '../versions/table.ts';
import { multiarchTriplet } from '../versions/debian-packages.ts';
import type { ImageFileSpec, ImageSymlinkSpec } from './image-spec.ts';

/** One entry of an unpacked .deb: an absolute path, as dpkg-deb lays it out. */
export type DebEntry =
  | { readonly type: 'file'; readonly path: string; readonly mode: number; readonly content: Uint8Array }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string }
  | { readonly type: 'dir'; readonly path: string };

export interface DebianImageFiles {
  readonly files: ImageFileSpec[];
  readonly symlinks: ImageSymlinkSpec[];
  /** The packages used, in recipe order. */
  readonly packages: string[];
}

/** The recipe's entries that apply to an arch, with {triplet} filled in. */
export function debianFilesFor(list: readonly ImageDebianFiles[], arch: Arch): ImageDebianFiles[] {
  return list
    .filter((d) => !d.arches || d.arches.includes(arch))
    .map((d) => ({ package: d.package, paths: d.paths.map((p) => p.replaceAll('{triplet}', multiarchTriplet[arch])) }));
}

export function planDebianFiles(ref: string, list: readonly ImageDebianFiles[], contents: ReadonlyMap<string, readonly DebEntry[]>): DebianImageFiles {
  const files: ImageFileSpec[] = [];
  const symlinks: ImageSymlinkSpec[] = [];
  const taken = new Set<string>();
  for (const want of list) {
    const entries = contents.get(want.package);
    if (!entries) throw new Error(`package ${want.package} was not unpacked`);
    for (const path of want.paths) {
      const matches = path.endsWith('/') ? entries.filter((e) => e.path.startsWith(path)) : entries.filter((e) => e.path === path);
      const used = matches.filter((e) => e.type !== 'dir');
      if (used.length === 0) {
        throw new RfoError('RFO_IMAGE_INVALID', `image ${ref}: Debian package ${want.package} has no ${path}`, {
          hint: 'the pinned package version moved or dropped the file: update the recipe in src/versions/recipes.ts',
        });
      }
      for (const e of used) {
        if (taken.has(e.path)) continue;
        taken.add(e.path);
        if (e.type === 'file') files.push({ path: e.path, content: e.content, mode: e.mode & 0o777 });
        else if (e.type === 'symlink') symlinks.push({ path: e.path, target: e.target });
      }
    }
  }
  return { files, symlinks, packages: [...new Set(list.map((d) => d.package))] };
}
