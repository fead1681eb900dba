// Pure: the registry a conformance lab pulls from. A spec that pulls with
// policy Always (ImageVolume) needs a registry even in an air gap: the lab
// host serves the stand-in images on its bridge address, and every node's
// registries.yaml (rfo's private-registry) mirrors each registry the images
// name to it. Plain HTTP on the lab bridge only: the nodes are the host's
// own namespaces, nothing leaves the machine.

import { stringify } from 'yaml';

export interface LabRegistryPlan {
  /** host:port the registry listens on (the lab bridge's address). */
  readonly address: string;
  /** registries.yaml for every node. */
  readonly registriesYaml: string;
  /** The registries mirrored, e.g. registry.k8s.io. */
  readonly mirrored: readonly string[];
}

/** registry.k8s.io/e2e-test-images/kitten:1.8 → registry.k8s.io; a bare docker.io name → docker.io. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

export function planLabRegistry(o: { readonly bridgeIp: string; readonly port: number; readonly refs: readonly string[] }): LabRegistryPlan {
  const address = `${o.bridgeIp}:${o.port}`;
  const mirrored = [...new Set(o.refs.map(registryOf))].sort();
  const mirrors = Object.fromEntries(mirrored.map((r) => [r, { endpoint: [`http://${address}`] }]));
  return { address, mirrored, registriesYaml: `# written by npm run conformance: the lab registry serves the stand-in images\n${stringify({ mirrors })}` };
}
