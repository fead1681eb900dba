// Debian packages whose files go into an image, pinned like the Go modules:
// name, version and the sha256 of each .deb. Only for userland that has no
// Go module: the network policy image needs iptables and ipset (kube-router
// runs them), and they need glibc. From Debian 12 (bookworm), fetched with
// `apt-get download <name>=<version>` (the ordinary client; the build host's
// apt sources must be bookworm's) and checked against these hashes; the
// manifest records each package's name, version, source package and sha256,
// so the corresponding source can be had from Debian (GPL-2 for iptables,
// ipset; LGPL for glibc).
//
// The network policy image's packages are pinned for arm64 too (the same
// versions, Debian's arm64 .debs, fetched through multiarch), so arm64 nodes
// enforce NetworkPolicy as amd64 ones do. Debian 12 has no riscv64 release:
// a riscv64 runtime has no network policy image (rfo warns that policies are
// not enforced there).
//
// To move to newer packages (a Debian point release or security update
// replaces the old .deb in the archive, and the build then says so): run
// `apt-get download <name>` for each and put the new version and sha256 here.

import type { Arch } from './table.ts';

export interface DebianPackage {
  readonly name: string;
  readonly version: string;
  /** The Debian source package (for the GPL's corresponding source). */
  readonly source: string;
  readonly license: string;
  /**
   * sha256 of the .deb by architecture ('all' for an architecture-independent
   * package); an image that needs a package not pinned for an arch is skipped there.
   */
  readonly sha256: Readonly<Partial<Record<Arch | 'all', string>>>;
}

export const debianRelease = 'bookworm';

const pkg = (name: string, version: string, source: string, license: string, amd64: string, arm64?: string): DebianPackage => ({ name, version, source, license, sha256: { amd64, ...(arm64 ? { arm64 } : {}) } });
const pkgAll = (name: string, version: string, source: string, license: string, all: string): DebianPackage => ({ name, version, source, license, sha256: { all } });

export const debianPackages: readonly DebianPackage[] = [
  pkg('iptables', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', '2928d3ca6ca8a3dc3f423f6752822b1f3614a5ba609ff7806bcba4449ffe90e1', '5cb1974950a07f89c2d61a20e62d2dbcd882acb6d522d36ad3c690f6f5d3c643'),
  pkg('libxtables12', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'cb841d66950a43af4a398625313d2f3da9065299c9738538de6c2c3495857040', '8884a42f98b989e5ba2e91d931b5c6e9eb72568e5d3001d97d73d7913890a7b3'),
  pkg('libip4tc2', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'f2c48b367f9ec13f9aa577e7ccf81b371ce5d5fe22dddf9d7aa99f1e0bb7cfc4', 'fc5b488a30f697d13c8547ca32cebf53880141af77ec36c58b04f899b5708208'),
  pkg('libip6tc2', '1.8.9-2', 'iptables', 'GPL-2.0-or-later', 'be88db3dfa2fe3345ea343207f7c75345602686121e579023d021c348b9b4f4d', 'f921206811bbda3dfa03995142ee704fd13f2bb07291ed418bd41fbea3a1d8cc'),
  pkg('ipset', '7.17-1', 'ipset', 'GPL-2.0-only', '4bcc86f6658ca92fe2e21a6a7d4fd162d3b94ec3cdc709a9cf05f0a8ad9c7725', 'e6e32d83569f1807ab6dc49c95f9e1a4aa02c2c6a6082ad20c19390cbb356788'),
  pkg('libipset13', '7.17-1', 'ipset', 'GPL-2.0-only', '67fe7a8366878b0431b6e247c04b131b43df90f8090000a2681e63d4c22d02ca', 'a4228f09e7f5138d4b2a42176988cedddad5c5e846ea8ed7e243bde9ffd3a10d'),
  pkg('libnftnl11', '1.2.4-2', 'libnftnl', 'GPL-2.0-or-later', '9e619e1470a1915264e906020f3bfc046fd8458043b1342686d997b5078213af', 'fd8b6f2ea21d60e25b07dfee8804ece79c2b18309df7773b091a587135565b9f'),
  pkg('libmnl0', '1.0.4-3', 'libmnl', 'LGPL-2.1-or-later', '4581f42e3373cb72f9ea4e88163b17873afca614a6c6f54637e95aa75983ea7c', 'd63aafb6f2c07db8fcb135b00ff915baf72ef8a3397e773c9c24d67950c6a46c'),
  pkg('libnetfilter-conntrack3', '1.0.9-3', 'libnetfilter-conntrack', 'GPL-2.0-or-later', '65f1539238f60fcc85d115acd640474f45c77bfddcf402eb7d75965a783c2bc8', '837ebd84c43dc9f6c840695f64763ff4a3b7e5e83eedb37817e272e75fcc84bf'),
  pkg('libnfnetlink0', '1.0.2-2', 'libnfnetlink', 'GPL-2.0-or-later', 'ae5cbba417ea48f34c1f72c27e8146a81f20614c1296bca2cd7234c8215fddcc', 'e2c85edf9015dc918ce190397fbbf059ad659941c5a650a250de67f2319a903b'),
  pkg('libc6', '2.36-9+deb12u14', 'glibc', 'LGPL-2.1-or-later', 'ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf', '01f4330719fd4f65580e16ea5a0527f372fca750e8f588d26deaf09f2d3b1cf4'),
  pkgAll('netbase', '6.4', 'netbase', 'GPL-2.0-only', '29b23c48c0fe6f878e56c5ddc9f65d1c05d729360f3690a593a8c795031cd867'),
  // The userland of the conformance suite's agnhost stand-in (src/conformance/images.ts):
  // sh (dash), bash, dig (bind9-dnsutils), curl, nc (netcat-openbsd), getent (libc-bin), nginx, and every library they load. Test images only, never in a runtime.
  pkg('bind9-dnsutils', '1:9.18.49-1~deb12u3', 'bind9', 'MPL-2.0', 'b233212daebef9f7018c229d69c57973caf60318b92a19383835f651e0bd3944'),
  pkg('bind9-host', '1:9.18.49-1~deb12u3', 'bind9', 'MPL-2.0', '00bd2c7f67c7d75301674b69498db582350dace307ff91d2f0005e2610344a2b'),
  pkg('bind9-libs', '1:9.18.49-1~deb12u3', 'bind9', 'MPL-2.0', '3e496836d0e07863551c2d3429d7124c4cf30dec4ef071740b26ce3a428b49da'),
  pkg('curl', '7.88.1-10+deb12u15', 'curl', 'curl', '0dd9b6bf7a0bd11af2d68a52ec44c2a223fa7c11f9104c36ce1047e1137d4a8f'),
  pkg('gcc-12-base', '12.2.0-14+deb12u1', 'gcc-12', 'GPL-3.0-or-later WITH GCC-exception-3.1', '1896a2aacf4ad681ff5eacc24a5b0ca4d5d9c9b9c9e4b6de5197bc1e116ea619'),
  pkg('libbrotli1', '1.0.9-2+deb12u1', 'brotli', 'MIT', 'e27b3d655fa6fadd7a56f706687e94573c0af68b7d6df394a32a381a3a6c6d8b'),
  pkg('libbsd0', '0.11.7-2', 'libbsd', 'BSD-3-Clause', 'bb31cc8b40f962a85b2cec970f7f79cc704a1ae4bad24257a822055404b2c60b'),
  pkg('libc-bin', '2.36-9+deb12u14', 'glibc', 'LGPL-2.1-or-later', 'e667401af91fad95f15b3ebd25d1abd8373fd18b00dc32219678413170544e84'),
  pkg('libcom-err2', '1.47.0-2+b2', 'e2fsprogs', 'MIT', 'a2bac7015e78fbc0c504df3e441f3a22292f1d2d77f9ccda760057f3690e22f2'),
  pkg('libcurl4', '7.88.1-10+deb12u15', 'curl', 'curl', '3042904de01f9c4fbdcf1452b8f81abedcf2b015f9b9deba109063322b5bd68b'),
  pkg('libdb5.3', '5.3.28+dfsg2-1', 'db5.3', 'Sleepycat', '7dc5127b8dd0da80e992ba594954c005ae4359d839a24eb65d0d8129b5235c84'),
  pkg('libedit2', '3.1-20221030-2', 'libedit', 'BSD-3-Clause', '1cf14abf2716d3279db12d0657a5737cf70074a1e71d3bdf73206625e3c89ce6'),
  pkg('libffi8', '3.4.4-1', 'libffi', 'MIT', '6d9f6c25c30efccce6d4bceaa48ea86c329a3432abb360a141f76ac223a4c34a'),
  pkg('libfstrm0', '0.6.1-1', 'fstrm', 'MIT', 'ea7226a3d435b98d79696952c69b06bd0bf503b4c7a7e3f77f971ce1d0f8a799'),
  pkg('libgcc-s1', '12.2.0-14+deb12u1', 'gcc-12', 'GPL-3.0-or-later WITH GCC-exception-3.1', '3016e62cb4b7cd8038822870601f5ed131befe942774d0f745622cc77d8a88f7'),
  pkg('libgmp10', '2:6.2.1+dfsg1-1.1', 'gmp', 'LGPL-3.0-or-later OR GPL-2.0-or-later', '187aedef2ed763f425c1e523753b9719677633c7eede660401739e9c893482bd'),
  pkg('libgnutls30', '3.7.9-2+deb12u7', 'gnutls28', 'LGPL-2.1-or-later', '30abec8c824feb1d2d7e9000a34083cccd19d139625e1b21547e3ac53b922f8e'),
  pkg('libgssapi-krb5-2', '1.20.1-2+deb12u5', 'krb5', 'MIT', 'd8b87aea91b956b416c01a28c44ff6228315ae3b73de40acddac3dc5043607d2'),
  pkg('libhogweed6', '3.8.1-2', 'nettle', 'LGPL-3.0-or-later OR GPL-2.0-or-later', 'ed8185c28b2cb519744a5a462dcd720d3b332c9b88a1d0002eac06dc8550cb94'),
  pkg('libicu72', '72.1-3+deb12u1', 'icu', 'Unicode-3.0', 'f7f6f99c6d7b025914df2447fc93e11d22c44c0c8bdd8b6f36691c9e7ddcef88'),
  pkg('libidn2-0', '2.3.3-1+b1', 'libidn2', 'LGPL-3.0-or-later OR GPL-2.0-or-later', 'd50716d5824083d667427817d506b45d3f59dc77e1ca52de000f3f62d4918afa'),
  pkg('libjemalloc2', '5.3.0-1', 'jemalloc', 'BSD-2-Clause', 'a4117c23c5c8acf6c9678a6cb086f000b79476369da7efe8a78a70826956ad3d'),
  pkg('libjson-c5', '0.16-2', 'json-c', 'MIT', 'd0e1ed8637d1c26b9720f6057d6355f18378bba5cc2553e459d1632783c00d70'),
  pkg('libk5crypto3', '1.20.1-2+deb12u5', 'krb5', 'MIT', '7b6e47d15c5c9cdcd456137533d8308aeba608a54cec73b28bd59bfc4b54cf06'),
  pkg('libkeyutils1', '1.6.3-2', 'keyutils', 'LGPL-2.0-or-later', 'cfac89e6a7a54ff3c6a4f843310e25efeddaa771baeae470bd98bd588c373563'),
  pkg('libkrb5-3', '1.20.1-2+deb12u5', 'krb5', 'MIT', 'c90801be09701af221b54dd502a59cb378b7284ff31e480738baca317d2f7653'),
  pkg('libkrb5support0', '1.20.1-2+deb12u5', 'krb5', 'MIT', '8b9c05f2d8d461a10d657b118f572af5bf8fd6c8f93dcef81e852c5ab0f428ab'),
  pkg('libldap-2.5-0', '2.5.13+dfsg-5', 'openldap', 'OLDAP-2.8', '4b6c30f6554149c594628d945edc6003f0eea8d0cc1341638c0e71375db147ed'),
  pkg('liblmdb0', '0.9.24-1', 'lmdb', 'OLDAP-2.8', '126d5d9d645dbe4e60c63c55160f3db31372bc7f6351d8b4480a51b40c551ff6'),
  pkg('liblzma5', '5.4.1-1+deb12u2', 'xz-utils', '0BSD', '3d8c29c8c21ec6007635e1b2591edf98b771c9572a085968f47452b33040f384'),
  pkg('libmaxminddb0', '1.7.1-1', 'libmaxminddb', 'Apache-2.0', '78f4bf04567160dc2f8704a0a766bbda9241b5cf8b3d557c9442c51dac803707'),
  pkg('libmd0', '1.0.4-2', 'libmd', 'BSD-3-Clause', '03539fd30c509e27101d13a56e52eda9062bdf1aefe337c07ab56def25a13eab'),
  pkg('libnettle8', '3.8.1-2', 'nettle', 'LGPL-3.0-or-later OR GPL-2.0-or-later', '45922e6e289ffd92f0f92d2bb9159e84236ff202d552a461bf10e5335b3f0261'),
  pkg('libnghttp2-14', '1.52.0-1+deb12u3', 'nghttp2', 'MIT', '5a5736cee57e51c1baed869979e6ecdbc6495e939e33203d6cfe3b6e5a149e3f'),
  pkg('libp11-kit0', '0.24.1-2', 'p11-kit', 'BSD-3-Clause', '251330faddbf013f060fcdb41f4b0c037c8a6e89ba7c09b04bfcc4e3f0807b22'),
  pkg('libprotobuf-c1', '1.4.1-1+b1', 'protobuf-c', 'BSD-2-Clause', 'e99b3091938bfbd55b24e95587b868ba735e38e4adbcb9942c6993f2de3ba1bf'),
  pkg('libpsl5', '0.21.2-1', 'libpsl', 'MIT', '4f0d35610204e4e754b057748719744114621f2f6f4202d846c314860a981afb'),
  pkg('librtmp1', '2.4+20151223.gitfa8646d.1-2+b2', 'rtmpdump', 'LGPL-2.1-or-later', 'e1f69020dc2c466e421ec6a58406b643be8b5c382abf0f8989011c1d3df91c87'),
  pkg('libsasl2-2', '2.1.28+dfsg-10+deb12u1', 'cyrus-sasl2', 'BSD-4-Clause-UC', 'd6f20408e2be92ebd9f5e3b1c1935b075efb3f03abb5f48f7b991a0ad3e2d6a5'),
  pkg('libsasl2-modules-db', '2.1.28+dfsg-10+deb12u1', 'cyrus-sasl2', 'BSD-4-Clause-UC', '6c86ca8fe9a7d652e618874b8753b4b6ec6b42ed7649b3f388e38d0a99047ba5'),
  pkg('libssh2-1', '1.10.0-3+deb12u1', 'libssh2', 'BSD-3-Clause', 'fff72a194e493f88e100a2567e22472bb4ab828d429c2956965c6f2f134f1b3a'),
  pkg('libssl3', '3.0.22-1~deb12u2', 'openssl', 'Apache-2.0', 'cb4784740daa9b3b0eaea2b444bbefa686794afbbf3d678d238c1fd9875f2efd'),
  pkg('libstdc++6', '12.2.0-14+deb12u1', 'gcc-12', 'GPL-3.0-or-later WITH GCC-exception-3.1', '5cd3171216d4ab0fc911cfe9c35509bf2dd8f47761c43b7f6a4296701551a24d'),
  pkg('libtasn1-6', '4.19.0-2+deb12u1', 'libtasn1-6', 'LGPL-2.1-or-later', '2c27c613b69be248d09432839ea3d3382f6ee27fabaa65987aa2d884cd00afda'),
  pkg('libtinfo6', '6.4-4', 'ncurses', 'X11', '072d908f38f51090ca28ca5afa3b46b2957dc61fe35094c0b851426859a49a51'),
  pkg('libunistring2', '1.0-2', 'libunistring', 'LGPL-3.0-or-later OR GPL-2.0-or-later', 'd466bbfe011d764d793c1d9d777cad9c7cf65b938e11598f27408171ad95a951'),
  pkg('libuv1', '1.44.2-1+deb12u1', 'libuv1', 'MIT', '204f0e13354b44e6d19317887a53dab6f26696e8d95838db970b81f2a393f7fd'),
  pkg('libxml2', '2.9.14+dfsg-1.3~deb12u6', 'libxml2', 'MIT', '4460e39dda10a815881374217cde08474747cfa018358cd8612c14b390eff53b'),
  pkg('libzstd1', '1.5.4+dfsg2-5+deb12u1', 'libzstd', 'BSD-3-Clause', '67dc1ee693e5c22b1a2be2bb70d8244b040836ce3f5dd79e006f7806bc3d9f1c'),
  pkg('dash', '0.5.12-2', 'dash', 'BSD-3-Clause', '33ea40061da2f1a861ec46212b2b6a34f0776a049b1a3f0abce2fb8cb994258f'),
  pkg('bash', '5.2.15-2+b13', 'bash', 'GPL-3.0-or-later', '82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1'),
  pkg('nginx', '1.22.1-9+deb12u12', 'nginx', 'BSD-2-Clause', '1a1014cd0dcc0b46b5c9369713d5781493d7effc9b4c25c78ac6369cb4bb71b2'),
  pkg('libpcre2-8-0', '10.42-1+deb12u2', 'pcre2', 'BSD-3-Clause', 'd2f7edfcc7689b9e0761c2742cc824ac86a20768bc5e8057818dc6875291fe76'),
  pkg('libcrypt1', '1:4.4.33-2', 'libxcrypt', 'LGPL-2.1-or-later', 'f5f60a5cdfd4e4eaa9438ade5078a57741a7a78d659fcb0c701204f523e8bd29'),
  pkg('netcat-openbsd', '1.219-1', 'netcat-openbsd', 'BSD-2-Clause', '85adebc045f48eb9a91515202a49940a0a57eff790223402333253ff121dfbdd'),
  pkg('zlib1g', '1:1.2.13.dfsg-1+deb12u1', 'zlib', 'Zlib', 'ad9f1ea0537a32c9eaecc619563a9db596a5dee33afce8393b1083f22d301e1d'),
];

export function debianPackage(name: string): DebianPackage {
  const found = debianPackages.find((p) => p.name === name);
  if (!found) throw new Error(`no pinned Debian package ${name}`);
  return found;
}

/** The pin for an arch: the .deb's arch ('all' or the arch itself) and its sha256, or undefined when not pinned. */
export function debianPin(p: DebianPackage, arch: Arch): { readonly debArch: Arch | 'all'; readonly sha256: string } | undefined {
  if (p.sha256.all) return { debArch: 'all', sha256: p.sha256.all };
  const sha256 = p.sha256[arch];
  return sha256 ? { debArch: arch, sha256 } : undefined;
}

/** The .deb file name apt-get download writes: name_version_arch.deb (an epoch's ':' as %3a). */
export function debFileName(p: DebianPackage, debArch: Arch | 'all'): string {
  return `${p.name}_${p.version.replace(/:/g, '%3a')}_${debArch}.deb`;
}

/** Debian's multiarch triplet, the library directory name (/usr/lib/<triplet>). */
export const multiarchTriplet: Readonly<Record<Arch, string>> = { amd64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', riscv64: 'riscv64-linux-gnu' };
