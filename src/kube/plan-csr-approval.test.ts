import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCsrApproval } from './plan-csr-approval.ts';
import type { CsrFacts } from './plan-csr-approval.ts';
import { csrPem } from '../pki/csr-fixtures.test-helper.ts';
import type { CsrFixture } from '../pki/csr-fixtures.test-helper.ts';

const registered = new Map([
  ['n1', ['10.0.0.1', 'fd00:0:0:0:0:0:0:1']],
  ['n2', ['10.0.0.2']],
]);

/** A CSR as n1's kubelet sends it (ECDSA key: digital signature + server auth), with overrides. */
function csr(o: Partial<CsrFacts> = {}, request: Partial<CsrFixture> = {}): CsrFacts {
  return {
    name: 'csr-abc',
    signerName: 'kubernetes.io/kubelet-serving',
    username: 'system:node:n1',
    groups: ['system:nodes', 'system:authenticated'],
    usages: ['digital signature', 'server auth'],
    requestPem: csrPem({ commonName: 'system:node:n1', dnsNames: ['n1'], ipAddresses: ['10.0.0.1'], ...request }),
    conditions: [],
    ...o,
  };
}

test("a kubelet's request for its own name and registered addresses is approved", () => {
  const d = planCsrApproval(csr(), registered);
  assert.equal(d.action, 'approve');
  assert.equal(d.action === 'approve' && d.node, 'n1');
  // RSA keys add key encipherment; IPv6 and a subset of the registered addresses are fine
  assert.equal(planCsrApproval(csr({ usages: ['key encipherment', 'digital signature', 'server auth'] }, { ipAddresses: ['fd00::1'] }), registered).action, 'approve');
});

test('other signers and requests already decided are not touched', () => {
  assert.equal(planCsrApproval(csr({ signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }), registered).action, 'skip');
  assert.equal(planCsrApproval(csr({ conditions: ['Approved'] }), registered).action, 'skip');
  assert.equal(planCsrApproval(csr({ conditions: ['Denied'] }), registered).action, 'skip');
});

const denied = (d: ReturnType<typeof planCsrApproval>, pattern: RegExp) => {
  assert.equal(d.action, 'deny', JSON.stringify(d));
  assert.match(d.action === 'deny' ? d.reason : '', pattern);
};
const pending = (d: ReturnType<typeof planCsrApproval>, pattern: RegExp) => {
  assert.equal(d.action, 'pending', JSON.stringify(d));
  assert.match(d.action === 'pending' ? d.reason : '', pattern);
};

test("hostile: a node asking for another node's identity, name or address is denied", () => {
  denied(planCsrApproval(csr({}, { commonName: 'system:node:n2', dnsNames: ['n2'], ipAddresses: ['10.0.0.2'] }), registered), /n1 asked for the identity "system:node:n2"/);
  denied(planCsrApproval(csr({}, { dnsNames: ['n1', 'n2'] }), registered), /the name n2, which is another node's/);
  denied(planCsrApproval(csr({}, { ipAddresses: ['10.0.0.1', '10.0.0.2'] }), registered), /10\.0\.0\.2, which rfo registered for node n2/);
});

test('hostile: client usage, extra usages, missing server auth, odd names or subjects are denied', () => {
  denied(planCsrApproval(csr({ usages: ['digital signature', 'server auth', 'client auth'] }), registered), /usages client auth/);
  denied(planCsrApproval(csr({ usages: ['digital signature', 'cert sign', 'server auth'] }), registered), /usages cert sign/);
  denied(planCsrApproval(csr({ usages: ['digital signature'] }), registered), /without server auth/);
  denied(planCsrApproval(csr({}, { emailAddresses: ['root@n1'] }), registered), /e-mail, URI/);
  denied(planCsrApproval(csr({}, { uris: ['spiffe://cluster/n1'] }), registered), /e-mail, URI/);
  denied(planCsrApproval(csr({}, { organizations: ['system:nodes', 'system:masters'] }), registered), /organizations/);
  denied(planCsrApproval(csr({}, { dnsNames: [], ipAddresses: [] }), registered), /without any name/);
  denied(planCsrApproval(csr({ requestPem: 'not a request' }), registered), /unreadable/);
});

test('what may be honest but cannot be checked stays pending: extra DNS names, unregistered addresses, unknown nodes, non-node requesters', () => {
  pending(planCsrApproval(csr({}, { dnsNames: ['n1', 'kubernetes.default.svc'] }), registered), /DNS names kubernetes\.default\.svc/);
  pending(planCsrApproval(csr({}, { ipAddresses: ['10.0.0.1', '192.0.2.7'] }), registered), /addresses 192\.0\.2\.7; rfo registered only 10\.0\.0\.1/);
  pending(planCsrApproval(csr({ username: 'system:node:n3' }, { commonName: 'system:node:n3', dnsNames: ['n3'], ipAddresses: ['10.0.0.3'] }), registered), /no record of node n3/);
  // the admin (or anyone not a node) asking for a node's serving certificate: not rfo's to approve
  pending(planCsrApproval(csr({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, { commonName: 'system:node:n2', dnsNames: ['n2'], ipAddresses: ['10.0.0.2'] }), registered), /system:admin, not by a node/);
  // a node's user name without the nodes group is not a node
  pending(planCsrApproval(csr({ groups: ['system:authenticated'] }), registered), /not by a node/);
});
