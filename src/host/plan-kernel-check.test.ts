import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkKernel, describeMissing } from './plan-kernel-check.ts';
import { moduleNames } from './kernel-features.ts';

// The CI kernel as measured (6.18, /proc/config.gz): ip_set and xt_* built in, nft_queue not set.
const ciConfig = [
  'CONFIG_IP_SET=y',
  'CONFIG_IP_SET_HASH_IP=y',
  'CONFIG_IP_SET_HASH_NET=y',
  'CONFIG_NETFILTER_XT_SET=y',
  'CONFIG_NETFILTER_XT_MATCH_COMMENT=y',
  'CONFIG_NETFILTER_XT_MATCH_CONNTRACK=y',
  'CONFIG_NETFILTER_XT_MARK=y',
  'CONFIG_NETFILTER_XT_TARGET_NFLOG=y',
  'CONFIG_NETFILTER_NETLINK_QUEUE=y',
  'CONFIG_NFT_CT=y',
  '# CONFIG_NFT_QUEUE is not set',
].join('\n');

test('the CI kernel has what kube-router needs and lacks the nftables queue kube-network-policies needs', () => {
  const k = { release: '6.18.44', config: ciConfig, loaded: [] };
  assert.deepEqual(checkKernel('kube-router', k), { missing: [], unknown: [] });
  const knp = checkKernel('kube-network-policies', k);
  assert.deepEqual(knp.missing.map((m) => m.option), ['CONFIG_NFT_QUEUE']);
  assert.match(describeMissing('kube-network-policies', '6.18.44', knp.missing), /kernel 6\.18\.44 lacks: CONFIG_NFT_QUEUE \(module nft_queue/);
});

test('a module that is installable or loaded counts even when the config says nothing', () => {
  const k = { release: 'r', config: '', modules: ['ip_set', 'ip_set_hash_ip', 'ip_set_hash_net', 'xt_set', 'xt_comment', 'xt_conntrack', 'xt_mark'], loaded: ['xt_NFLOG'] };
  assert.deepEqual(checkKernel('kube-router', k).missing, []);
});

test('with a config and module lists, an option in neither is missing; with nothing to read it is unknown', () => {
  const missing = checkKernel('kube-router', { release: 'r', config: 'CONFIG_IP_SET=y', modules: [], loaded: [] });
  assert.ok(missing.missing.some((m) => m.module === 'xt_set'));
  const unknown = checkKernel('kube-router', { release: 'r', loaded: [] });
  assert.equal(unknown.missing.length, 0);
  assert.equal(unknown.unknown.length, 8);
});

test('module names from modules.builtin and modules.dep lines', () => {
  assert.deepEqual(moduleNames('kernel/net/netfilter/ipset/ip_set.ko\nkernel/net/netfilter/xt_set.ko.xz: kernel/net/netfilter/ipset/ip_set.ko.xz\n'), ['ip_set', 'xt_set']);
  assert.deepEqual(moduleNames('kernel/net/netfilter/nf-conntrack.ko'), ['nf_conntrack']);
});
