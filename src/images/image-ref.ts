// Image references as containerd names images. The kubelet asks the CRI for
// the fully qualified name ("docker.io/library/busybox:1.36", never
// "busybox"), so an image imported under a short or untagged name would
// never be found and the node would try to pull it. Refusing such names here
// turns that air-gap failure into a build-time error.

import { RfoError } from '../errors.ts';

export interface ImageRef {
  /** Registry host, e.g. "registry.k8s.io" or "localhost:5000". */
  readonly domain: string;
  /** Path under the registry, e.g. "coredns/coredns". */
  readonly repository: string;
  readonly tag: string;
}

const domainPattern = /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const componentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;

function bad(ref: string, why: string): RfoError {
  return new RfoError('RFO_IMAGE_INVALID', `image reference ${JSON.stringify(ref)}: ${why}`, {
    hint: 'use the full reference the cluster asks for, e.g. registry.k8s.io/pause:3.10.2 or docker.io/library/busybox:1.36',
  });
}

export function parseImageRef(ref: string): ImageRef {
  if (ref.includes('@')) throw bad(ref, 'digest references cannot name a built image; use a tag');
  const slash = ref.indexOf('/');
  const domain = slash < 0 ? '' : ref.slice(0, slash);
  if (slash < 0 || !(domain === 'localhost' || domain.includes('.') || domain.includes(':') || domain.startsWith('['))) {
    throw bad(ref, 'it has no registry host (containerd and the kubelet use the fully qualified name)');
  }
  if (!domainPattern.test(domain)) throw bad(ref, `invalid registry host ${JSON.stringify(domain)}`);
  const rest = ref.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  if (colon < 0) throw bad(ref, 'it has no tag');
  const repository = rest.slice(0, colon);
  const tag = rest.slice(colon + 1);
  if (!repository.split('/').every((c) => componentPattern.test(c))) throw bad(ref, `invalid repository path ${JSON.stringify(repository)} (lowercase letters, digits, . _ -)`);
  if (!tagPattern.test(tag)) throw bad(ref, `invalid tag ${JSON.stringify(tag)}`);
  return { domain, repository, tag };
}

/** The tag part of a reference (registry.k8s.io/pause:3.10.2 → 3.10.2). */
export function refTag(ref: string): string {
  return parseImageRef(ref).tag;
}

/** The reference without its tag (registry.k8s.io/coredns/coredns:v1.14.7 → registry.k8s.io/coredns/coredns), as charts take it. */
export function refRepository(ref: string): string {
  const r = parseImageRef(ref);
  return `${r.domain}/${r.repository}`;
}
