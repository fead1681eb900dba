// Pure: the objects in one file of server/manifests — YAML with any number
// of documents (or JSON), `kind: List` flattened — each checked to name an
// apiVersion, a kind and a metadata.name before anything is applied.

import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/parse-watch-stream.ts';

export type ParsedManifest = { readonly ok: true; readonly objects: KubeObject[] } | { readonly ok: false; readonly error: string };

function flatten(doc: unknown, where: string, out: KubeObject[]): string | undefined {
  if (doc === null || doc === undefined) return undefined; // an empty document (e.g. a trailing ---)
  if (typeof doc !== 'object' || Array.isArray(doc)) return `${where}: not a Kubernetes object`;
  const o = doc as Record<string, unknown>;
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    for (const [i, item] of (o.items as unknown[]).entries()) {
      const err = flatten(item, `${where} item ${i + 1}`, out);
      if (err) return err;
    }
    return undefined;
  }
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') return `${where}: no apiVersion`;
  if (typeof o.kind !== 'string' || o.kind === '') return `${where}: no kind`;
  if (!meta || typeof meta.name !== 'string' || meta.name === '') return `${where}: ${o.kind} has no metadata.name (generateName is not supported in manifests)`;
  out.push(doc as KubeObject);
  return undefined;
}

export function parseManifestFile(text: string, fileName: string): ParsedManifest {
  const objects: KubeObject[] = [];
  const docs = parseAllDocuments(text);
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const where = `${fileName} document ${i + 1}`;
    if (doc.errors.length > 0) return { ok: false, error: `${where}: ${doc.errors[0]?.message ?? 'invalid YAML'}` };
    const err = flatten(doc.toJS(), where, objects);
    if (err) return { ok: false, error: err };
  }
  return { ok: true, objects };
}
