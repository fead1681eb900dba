// Shared by the multi-node tests: kubectl against a lab, polling, and the
// lab's node IPs and tokens.

import assert from 'node:assert/strict';
import { labExec, labKubectl } from '../../../src/lab/lab.ts';
import { readState } from '../../../src/lab/lab-state.ts';

export function labHelpers(labDir: () => string) {
  const kubectl = (...args: string[]) => labKubectl(args, { labDir: labDir() });
  const kubectlOk = async (...args: string[]) => {
    const r = await kubectl(...args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const applyOk = async (manifest: string) => {
    const r = await labKubectl(['apply', '-f', '-'], { labDir: labDir(), input: manifest });
    assert.equal(r.code, 0, r.stderr);
  };
  const nodeReady = async (name: string) => (await kubectl('get', 'node', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).stdout.trim();
  const ipOf = async (name: string) => {
    const state = await readState(labDir());
    const ip = state?.nodes.find((n) => n.name === name)?.ip;
    assert.ok(ip, `lab node ${name}`);
    return ip;
  };
  const token = async () => {
    const r = await labExec('s1', ['cat', '/var/lib/rancher/rfo/server/node-token'], { labDir: labDir() });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  return { kubectl, kubectlOk, applyOk, nodeReady, ipOf, token };
}

export { eventually } from './eventually.ts';
