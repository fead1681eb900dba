import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RfoError } from '../errors.ts';
import { applyCrd, crdEstablished } from './apply-crd.ts';
import type { Crd } from './apply-crd.ts';
import type { KubeClient } from './kube-client.ts';

const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } };
const withStatus = (established: string, message?: string): Crd => ({ ...crd, status: { conditions: [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: established, ...(message ? { message } : {}) }] } });

function fake(applied: Crd, reads: (Crd | undefined)[]) {
  const calls: string[] = [];
  let read = 0;
  const client = {
    apply: (obj: Crd) => {
      calls.push(`apply ${obj.metadata.name}`);
      return Promise.resolve(applied);
    },
    get: (_t: unknown, name: string) => {
      calls.push(`get ${name}`);
      return Promise.resolve(reads[Math.min(read++, reads.length - 1)]); // the last answer repeats
    },
  };
  return { client: client as unknown as Pick<KubeClient, 'apply' | 'get'>, calls };
}

test('Established is read from the conditions', () => {
  assert.equal(crdEstablished(withStatus('True')), true);
  assert.equal(crdEstablished(withStatus('False')), false);
  assert.equal(crdEstablished(crd), false);
  assert.equal(crdEstablished(undefined), false);
});

test('an existing CRD: the apply answer says Established, nothing else is asked', async () => {
  const { client, calls } = fake(withStatus('True'), []);
  await applyCrd(client, crd);
  assert.deepEqual(calls, ['apply widgets.example.com']);
});

test('a new CRD is read until Established', async () => {
  const { client, calls } = fake(crd, [undefined, withStatus('False'), withStatus('True')]);
  await applyCrd(client, crd, { pollMs: 1 });
  assert.deepEqual(calls, ['apply widgets.example.com', 'get widgets.example.com', 'get widgets.example.com', 'get widgets.example.com']);
});

test('never Established: a typed error with the reason the apiserver gave', async () => {
  const { client } = fake(withStatus('False', 'the name is taken'), [withStatus('False', 'the name is taken')]);
  await assert.rejects(applyCrd(client, crd, { timeoutMs: 30, pollMs: 5 }), (err: unknown) => {
    assert.ok(err instanceof RfoError);
    assert.equal(err.code, 'RFO_KUBE_API');
    assert.match(err.message, /widgets\.example\.com not Established after 0s: the name is taken/);
    return true;
  });
});
