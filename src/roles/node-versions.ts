// What a node ran last, kept in its data dir so the next start can check the
// version skew before it changes anything (plan-version-skew.ts). Written
// once the node is ready; a node without the file (first start, or data from
// an rfo before this file) has no previous version to compare with.

import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { RuntimeManifest } from '../build/render-manifest.ts';

export interface NodeVersions {
  readonly kubernetes: string;
  /** Servers only: the etcd that last wrote the data. */
  readonly etcd?: string;
}

export async function readNodeVersions(file: string): Promise<NodeVersions | undefined> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<NodeVersions>;
    return typeof v.kubernetes === 'string' ? { kubernetes: v.kubernetes, ...(typeof v.etcd === 'string' ? { etcd: v.etcd } : {}) } : undefined;
  } catch {
    return undefined;
  }
}

export function writeNodeVersions(file: string, v: NodeVersions): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(v)}\n`, 0o644);
}

/** The etcd version a runtime ships (its etcd binary's artifact record). */
export function runtimeEtcdVersion(manifest: RuntimeManifest): string | undefined {
  const etcd = manifest.artifacts.find((a) => a.name === 'etcd');
  return etcd && 'version' in etcd ? etcd.version : undefined;
}
