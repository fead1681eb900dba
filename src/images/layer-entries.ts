// Pure: the tar entries of an image's own layer. Paths become relative
// ("usr/bin/x", no leading "/"), every parent directory gets an entry of its
// own, and entries are sorted component by component, so a directory always
// precedes its contents and the same spec always gives the same order.
// Conflicting paths (a file listed twice, a file used as a directory) are
// errors: in a layer the later entry would silently win.

import { RfoError } from '../errors.ts';
import type { TarEntry } from '../util/tar-writer.ts';
import type { ImageSpec } from './image-spec.ts';

type LayerSpec = Pick<ImageSpec, 'files' | 'symlinks' | 'dirs'>;

function bad(message: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image layer: ${message}`, {
    hint: 'fix the image recipe: each path once, absolute, without "." or ".." parts',
  });
}

/** "/usr/bin/x" → ["usr", "bin", "x"]; rejects empty, ".", ".." and NUL components. */
export function splitImagePath(path: string): string[] {
  const parts = path.replace(/^\/+/, '').split('/');
  if (path.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) throw bad(`invalid path ${JSON.stringify(path)}`);
  return parts;
}

/** Order by path components, comparing bytes: "a", "a/b", "a-b" (a directory's contents stay together). */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i] ?? ''), Buffer.from(pb[i] ?? ''));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

export function planLayerEntries(spec: LayerSpec): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  const implicitDirs = new Set<string>();
  const add = (path: string, make: (name: string) => TarEntry) => {
    const parts = splitImagePath(path);
    const name = parts.join('/');
    if (byPath.has(name)) throw bad(`${path} is listed more than once`);
    byPath.set(name, make(name));
    for (let i = 1; i < parts.length; i++) implicitDirs.add(parts.slice(0, i).join('/'));
  };
  for (const f of spec.files) {
    add(f.path, (name) => ({ type: 'file', path: name, content: f.content, mode: f.mode, ...(f.uid !== undefined ? { uid: f.uid } : {}), ...(f.gid !== undefined ? { gid: f.gid } : {}), ...(f.xattrs ? { xattrs: f.xattrs } : {}) }));
  }
  for (const s of spec.symlinks ?? []) {
    if (s.target === '' || s.target.includes('\0')) throw bad(`symlink ${s.path} has an invalid target`);
    add(s.path, (name) => ({ type: 'symlink', path: name, target: s.target }));
  }
  for (const d of spec.dirs ?? []) {
    add(d.path, (name) => ({ type: 'dir', path: name, mode: d.mode, ...(d.uid !== undefined ? { uid: d.uid } : {}), ...(d.gid !== undefined ? { gid: d.gid } : {}) }));
  }
  for (const dir of implicitDirs) {
    const existing = byPath.get(dir);
    if (existing === undefined) byPath.set(dir, { type: 'dir', path: dir, mode: 0o755 });
    else if (existing.type !== 'dir') throw bad(`/${dir} is a ${existing.type} but also the parent of other paths`);
  }
  return [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path));
}
