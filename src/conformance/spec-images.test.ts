import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceFileImages, missingSpecImages, parseImageConfigs } from './spec-images.ts';

const manifest = `
	configs[Agnhost] = Config{list.PromoterE2eRegistry, "agnhost", "2.55"}
	configs[JessieDnsutils] = Config{list.PromoterE2eRegistry, "jessie-dnsutils", "1.7"}
	configs[InvalidRegistryImage] = Config{list.InvalidRegistry, "alpine", "3.1"}
	configs[Perl] = Config{list.PromoterE2eRegistry, "perl", "5.26"}
`;

const dns = { path: 'test/e2e/network/dns.go', text: 'framework.ConformanceIt("should provide DNS", func() { p := dnsQuerier{image: imageutils.JessieDnsutils}; a := imageutils.GetE2EImage(imageutils.Agnhost) })' };
const perl = { path: 'test/e2e/storage/perl.go', text: 'ginkgo.It("runs perl", func() { imageutils.GetE2EImage(imageutils.Perl) })' };

test('parseImageConfigs maps manifest.go constants to image names', () => {
  assert.deepEqual([...parseImageConfigs(manifest)], [['Agnhost', 'agnhost'], ['JessieDnsutils', 'jessie-dnsutils'], ['InvalidRegistryImage', 'alpine'], ['Perl', 'perl']]);
});

test('only files holding a ConformanceIt spec count, and each image names its files', () => {
  const found = conformanceFileImages([dns, perl], parseImageConfigs(manifest));
  assert.deepEqual([...found], [['agnhost', ['test/e2e/network/dns.go']], ['jessie-dnsutils', ['test/e2e/network/dns.go']]]);
});

test('missingSpecImages keeps the conformance images no recipe builds, not the other unbuilt ones', () => {
  const found = conformanceFileImages([dns, perl], parseImageConfigs(manifest));
  assert.deepEqual(missingSpecImages(found, new Set(['jessie-dnsutils', 'perl'])), [{ name: 'jessie-dnsutils', files: ['test/e2e/network/dns.go'] }]);
  assert.deepEqual(missingSpecImages(found, new Set(['perl'])), []);
});
