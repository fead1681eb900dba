// The images the conformance specs run, as data: each is built from rfo's own
// artifacts (agnhost from the pinned k8s.io/kubernetes module, busybox from
// its release tarball) and pinned Debian packages, and imported under the exact
// reference `e2e.test --list-images` names, so pods find them without any
// registry or remapping (KUBE_TEST_REPO_LIST). These are stand-ins: upstream's
// agnhost is Alpine with bind-tools, curl, netcat, iproute2, bash; ours is
// busybox plus Debian's dig, curl and getent. A run with them is an internal
// conformance signal, not a CNCF submission (which needs the official images).

import type { ImageDebianFiles } from '../versions/recipes.ts';
import type { ImageConfigSpec, ImageDirSpec, ImageSymlinkSpec } from '../images/image-spec.ts';

/** Where a file of a conformance image comes from. */
export type ConformanceFileSource =
  | { readonly binary: 'agnhost' | 'busybox-defconfig' | 'nnp' | 'sample-apiserver' | 'etcd' }
  /** A file of the pinned k8s.io/kubernetes module (test/images/...). */
  | { readonly moduleFile: string }
  | { readonly text: string };

/** The files of one layer. */
export interface ConformanceLayer {
  readonly files: readonly { readonly path: string; readonly from: ConformanceFileSource; readonly mode: number }[];
  readonly symlinks?: readonly ImageSymlinkSpec[];
  readonly dirs?: readonly ImageDirSpec[];
  readonly debianFiles?: readonly ImageDebianFiles[];
}

export interface ConformanceImageRecipe extends ConformanceLayer {
  /** The image's name in upstream's manifest (test/utils/image/manifest.go): the last path element of its repository. */
  readonly name: string;
  /** The repository when it is not registry.k8s.io/e2e-test-images/<name> (etcd). */
  readonly repository?: string;
  /**
   * A lower layer several images share (the same bytes, so the archive and
   * each node's containerd hold it once): the Debian tools userland.
   */
  readonly base?: { readonly name: string; readonly layer: ConformanceLayer };
  readonly config: ImageConfigSpec;
  /** What differs from upstream's image, for the report. */
  readonly standIn: string;
}

/**
 * Every applet of busybox 1.37.0 built with upstream's defconfig (`busybox
 * --list`; the build checks the binary lists exactly these), linked into
 * /bin as upstream's busybox image has them (specs run sysctl, hexdump,
 * env... by absolute path or from PATH).
 */
export const busyboxApplets = [
  '[', '[[', 'acpid', 'add-shell', 'addgroup', 'adduser', 'adjtimex', 'arch', 'arp', 'arping', 'ascii', 'ash', 'awk', 'base32', 'base64', 'basename',
  'bc', 'beep', 'blkdiscard', 'blkid', 'blockdev', 'bootchartd', 'brctl', 'bunzip2', 'bzcat', 'bzip2', 'cal', 'cat', 'chat', 'chattr', 'chgrp',
  'chmod', 'chown', 'chpasswd', 'chpst', 'chroot', 'chrt', 'chvt', 'cksum', 'clear', 'cmp', 'comm', 'conspy', 'cp', 'cpio', 'crc32', 'crond',
  'crontab', 'cryptpw', 'cttyhack', 'cut', 'date', 'dc', 'dd', 'deallocvt', 'delgroup', 'deluser', 'depmod', 'devmem', 'df', 'dhcprelay', 'diff',
  'dirname', 'dmesg', 'dnsd', 'dnsdomainname', 'dos2unix', 'dpkg', 'dpkg-deb', 'du', 'dumpkmap', 'dumpleases', 'echo', 'ed', 'egrep', 'eject', 'env',
  'envdir', 'envuidgid', 'ether-wake', 'expand', 'expr', 'factor', 'fakeidentd', 'fallocate', 'false', 'fatattr', 'fbset', 'fbsplash', 'fdflush',
  'fdformat', 'fdisk', 'fgconsole', 'fgrep', 'find', 'findfs', 'flock', 'fold', 'free', 'freeramdisk', 'fsck', 'fsck.minix', 'fsfreeze', 'fstrim',
  'fsync', 'ftpd', 'ftpget', 'ftpput', 'fuser', 'getfattr', 'getopt', 'getty', 'grep', 'groups', 'gunzip', 'gzip', 'halt', 'hd', 'hdparm', 'head',
  'hexdump', 'hexedit', 'hostid', 'hostname', 'httpd', 'hush', 'hwclock', 'i2cdetect', 'i2cdump', 'i2cget', 'i2cset', 'i2ctransfer', 'id', 'ifconfig',
  'ifdown', 'ifenslave', 'ifplugd', 'ifup', 'inetd', 'init', 'insmod', 'install', 'ionice', 'iostat', 'ip', 'ipaddr', 'ipcalc', 'ipcrm', 'ipcs',
  'iplink', 'ipneigh', 'iproute', 'iprule', 'iptunnel', 'kbd_mode', 'kill', 'killall', 'killall5', 'klogd', 'last', 'less', 'link', 'linux32',
  'linux64', 'linuxrc', 'ln', 'loadfont', 'loadkmap', 'logger', 'login', 'logname', 'logread', 'losetup', 'lpd', 'lpq', 'lpr', 'ls', 'lsattr',
  'lsmod', 'lsof', 'lspci', 'lsscsi', 'lsusb', 'lzcat', 'lzma', 'lzop', 'makedevs', 'makemime', 'man', 'md5sum', 'mdev', 'mesg', 'microcom', 'mim',
  'mkdir', 'mkdosfs', 'mke2fs', 'mkfifo', 'mkfs.ext2', 'mkfs.minix', 'mkfs.vfat', 'mknod', 'mkpasswd', 'mkswap', 'mktemp', 'modinfo', 'modprobe',
  'more', 'mount', 'mountpoint', 'mpstat', 'mt', 'mv', 'nameif', 'nanddump', 'nandwrite', 'nbd-client', 'nc', 'netstat', 'nice', 'nl', 'nmeter',
  'nohup', 'nologin', 'nproc', 'nsenter', 'nslookup', 'ntpd', 'od', 'openvt', 'partprobe', 'passwd', 'paste', 'patch', 'pgrep', 'pidof', 'ping',
  'ping6', 'pipe_progress', 'pivot_root', 'pkill', 'pmap', 'popmaildir', 'poweroff', 'powertop', 'printenv', 'printf', 'ps', 'pscan', 'pstree', 'pwd',
  'pwdx', 'raidautorun', 'rdate', 'rdev', 'readahead', 'readlink', 'readprofile', 'realpath', 'reboot', 'reformime', 'remove-shell', 'renice',
  'reset', 'resize', 'resume', 'rev', 'rm', 'rmdir', 'rmmod', 'route', 'rpm', 'rpm2cpio', 'rtcwake', 'run-init', 'run-parts', 'runlevel', 'runsv',
  'runsvdir', 'rx', 'script', 'scriptreplay', 'sed', 'seedrng', 'sendmail', 'seq', 'setarch', 'setconsole', 'setfattr', 'setfont', 'setkeycodes',
  'setlogcons', 'setpriv', 'setserial', 'setsid', 'setuidgid', 'sh', 'sha1sum', 'sha256sum', 'sha3sum', 'sha512sum', 'showkey', 'shred', 'shuf',
  'slattach', 'sleep', 'smemcap', 'softlimit', 'sort', 'split', 'ssl_client', 'start-stop-daemon', 'stat', 'strings', 'stty', 'su', 'sulogin', 'sum',
  'sv', 'svc', 'svlogd', 'svok', 'swapoff', 'swapon', 'switch_root', 'sync', 'sysctl', 'syslogd', 'tac', 'tail', 'tar', 'taskset', 'tc', 'tcpsvd',
  'tee', 'telnet', 'telnetd', 'test', 'tftp', 'tftpd', 'time', 'timeout', 'top', 'touch', 'tr', 'traceroute', 'traceroute6', 'tree', 'true',
  'truncate', 'ts', 'tsort', 'tty', 'ttysize', 'tunctl', 'ubiattach', 'ubidetach', 'ubimkvol', 'ubirename', 'ubirmvol', 'ubirsvol', 'ubiupdatevol',
  'udhcpc', 'udhcpc6', 'udhcpd', 'udpsvd', 'uevent', 'umount', 'uname', 'unexpand', 'uniq', 'unix2dos', 'unlink', 'unlzma', 'unshare', 'unxz',
  'unzip', 'uptime', 'users', 'usleep', 'uudecode', 'uuencode', 'vconfig', 'vi', 'vlock', 'volname', 'w', 'wall', 'watch', 'watchdog', 'wc', 'wget',
  'which', 'who', 'whoami', 'whois', 'xargs', 'xxd', 'xz', 'xzcat', 'yes', 'zcat', 'zcip',
] as const;

/** Pure: what a built busybox lists that the images do not link, and what they link that it lacks; '' when equal. */
export function diffApplets(listed: readonly string[], linked: readonly string[]): string {
  const has = new Set(listed);
  const want = new Set(linked);
  const extra = listed.filter((a) => !want.has(a));
  const missing = linked.filter((a) => !has.has(a));
  return [extra.length ? `not linked: ${extra.join(' ')}` : '', missing.length ? `not in the binary: ${missing.join(' ')}` : ''].filter(Boolean).join('; ');
}

/**
 * busybox with upstream's defconfig: its sh is ash without standalone applets,
 * as in upstream's busybox image, so `sh -c env` runs /bin/env, which prints
 * variables a shell cannot name (`data-1`, which the ConfigMap and Secret
 * envFrom specs look for), and a failed write says busybox's own words
 * ("can't create /file: Read-only file system", which the read-only root
 * filesystem spec matches).
 */
const busyboxUserland = {
  files: [{ path: '/bin/busybox', from: { binary: 'busybox-defconfig' as const }, mode: 0o755 }],
  symlinks: busyboxApplets.map((a) => ({ path: `/bin/${a}`, target: 'busybox' })),
};

/**
 * The images with Debian's tools: /usr/bin/nc is netcat-openbsd (the Service
 * specs run `nc -v -t -w 2 host port`, its syntax, which upstream's Alpine
 * agnhost has; busybox's nc has no -v), and /bin/sh is bash, as upstream's
 * agnhost has it. busybox provides the other commands.
 */
const toolsUserland = {
  files: busyboxUserland.files,
  symlinks: [
    ...busyboxUserland.symlinks.filter((l) => l.path !== '/bin/nc' && l.path !== '/bin/sh'),
    { path: '/usr/bin/nc', target: '/bin/nc.openbsd' },
    { path: '/bin/sh', target: 'bash' },
  ],
};

/** Debian packages whose shared libraries dig, curl and getent load (apt-cache depends --recurse, bookworm). */
const usrLibPackages = [
  'bind9-libs', 'libbrotli1', 'libbsd0', 'libcurl4', 'libdb5.3', 'libedit2', 'libffi8', 'libfstrm0', 'libgmp10', 'libgnutls30', 'libgssapi-krb5-2', 'libhogweed6',
  'libicu72', 'libidn2-0', 'libjemalloc2', 'libjson-c5', 'libk5crypto3', 'libkrb5-3', 'libkrb5support0', 'libldap-2.5-0', 'liblmdb0', 'libmaxminddb0', 'libmd0',
  'libnettle8', 'libnghttp2-14', 'libp11-kit0', 'libprotobuf-c1', 'libpsl5', 'librtmp1', 'libsasl2-2', 'libsasl2-modules-db', 'libssh2-1', 'libssl3', 'libstdc++6',
  'libtasn1-6', 'libunistring2', 'libuv1', 'libxml2', 'libzstd1',
];
const libPackages = ['libcom-err2', 'libgcc-s1', 'libkeyutils1', 'liblzma5', 'zlib1g'];

/** dash, bash, nc, dig, host, curl and getent with glibc and every library they need (amd64: the loader's path is per arch). */
export const dnsToolsDebianFiles: readonly ImageDebianFiles[] = [
  { package: 'bind9-dnsutils', paths: ['/usr/bin/dig', '/usr/bin/nslookup', '/usr/bin/nsupdate'] },
  { package: 'bind9-host', paths: ['/usr/bin/host'] },
  { package: 'curl', paths: ['/usr/bin/curl'] },
  { package: 'netcat-openbsd', paths: ['/bin/nc.openbsd'] },
  { package: 'dash', paths: ['/bin/dash'] },
  { package: 'bash', paths: ['/bin/bash'] },
  { package: 'libc-bin', paths: ['/usr/bin/getent'] },
  { package: 'libc6', paths: ['/lib/{triplet}/', '/usr/lib/{triplet}/', '/lib64/ld-linux-x86-64.so.2'], arches: ['amd64'] },
  { package: 'libtinfo6', paths: ['/lib/{triplet}/', '/usr/lib/{triplet}/'] },
  ...usrLibPackages.map((p) => ({ package: p, paths: ['/usr/lib/{triplet}/'] })),
  ...libPackages.map((p) => ({ package: p, paths: ['/lib/{triplet}/'] })),
];

/** Users and groups agnhost's image defines (its Dockerfile's adduser/addgroup; specs look them up). */
const etcFiles = [
  { path: '/etc/passwd', from: { text: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nuser-defined-in-image:x:1000:1000::/home/user-defined-in-image:/bin/sh\n' }, mode: 0o644 },
  { path: '/etc/group', from: { text: 'root:x:0:\nnogroup:x:65534:\nuser-defined-in-image:x:1000:\ngroup-defined-in-image:x:50000:user-defined-in-image\n' }, mode: 0o644 },
  { path: '/etc/nsswitch.conf', from: { text: 'passwd: files\ngroup: files\nhosts: files dns\n' }, mode: 0o644 },
];

const path = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const agnhostFiles = [
  { path: '/agnhost', from: { binary: 'agnhost' as const }, mode: 0o755 },
  { path: '/localhost.crt', from: { moduleFile: 'test/images/agnhost/porter/localhost.crt' }, mode: 0o644 },
  { path: '/localhost.key', from: { moduleFile: 'test/images/agnhost/porter/localhost.key' }, mode: 0o644 },
];
const agnhostDirs = [{ path: '/uploads', mode: 0o755 }];

/**
 * agnhost on busybox, dash, bash, nc, dig, curl, getent with glibc, and
 * agnhost's users: the one layer under agnhost, kitten, nautilus and
 * glibc-dns-testing (which thus has an agnhost binary it never runs).
 */
const toolsBase = {
  name: 'rfo conformance userland (agnhost, busybox-static, Debian 12 packages)',
  layer: {
    files: [...agnhostFiles, ...toolsUserland.files, ...etcFiles],
    symlinks: toolsUserland.symlinks,
    dirs: [
      { path: '/tmp', mode: 0o1777 },
      { path: '/home/user-defined-in-image', mode: 0o755, uid: 1000, gid: 1000 },
    ],
    debianFiles: dnsToolsDebianFiles,
  },
};


/** agnhost with a test-webserver and its two files: upstream's kitten and nautilus. */
const webserver = (name: 'kitten' | 'nautilus'): ConformanceImageRecipe => ({
  name,
  files: [
    { path: `/${name}.jpg`, from: { moduleFile: `test/images/${name}/html/${name}.jpg` }, mode: 0o644 },
    { path: '/data.json', from: { moduleFile: `test/images/${name}/html/data.json` }, mode: 0o644 },
  ],
  symlinks: [{ path: '/usr/local/bin/test-webserver', target: '/agnhost' }],
  dirs: agnhostDirs,
  base: toolsBase,
  config: { entrypoint: ['/agnhost'], cmd: ['test-webserver'], env: [path] },
  standIn: 'our agnhost image plus the two html files; upstream runs agnhost test-webserver the same way',
});

/** The DNS specs' second prober: dig, getent and a /results dir, with glibc's resolver (the other prober, agnhost, has the same layer). */
const dnsProber = (name: 'glibc-dns-testing' | 'jessie-dnsutils', upstream: string): ConformanceImageRecipe => ({
  name,
  // The tools layer is the whole image: one empty directory on top (an image needs a layer of its own).
  files: [],
  dirs: [{ path: '/results', mode: 0o755 }],
  base: toolsBase,
  config: { cmd: ['sh'], env: [path] },
  standIn: `busybox + Debian 12 dig/getent/glibc (upstream: ${upstream})`,
});

/** nginx's own configuration: port 80, the default page, logs to the container's output, as upstream's image. */
const nginxConf = `worker_processes 1;
error_log /dev/stderr;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
  access_log /dev/stdout;
  client_body_temp_path /var/lib/nginx/body;
  proxy_temp_path /var/lib/nginx/proxy;
  fastcgi_temp_path /var/lib/nginx/fastcgi;
  uwsgi_temp_path /var/lib/nginx/uwsgi;
  scgi_temp_path /var/lib/nginx/scgi;
  server {
    listen 80;
    root /usr/share/nginx/html;
    index index.html;
  }
}
`;

const nginx: ConformanceImageRecipe = {
  name: 'nginx',
  files: [
    ...busyboxUserland.files,
    ...etcFiles,
    { path: '/etc/nginx/nginx.conf', from: { text: nginxConf }, mode: 0o644 },
    { path: '/usr/share/nginx/html/index.html', from: { text: '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n' }, mode: 0o644 },
  ],
  symlinks: busyboxUserland.symlinks,
  dirs: [
    { path: '/tmp', mode: 0o1777 },
    { path: '/run', mode: 0o755 },
    { path: '/var/log/nginx', mode: 0o755 },
    { path: '/var/lib/nginx', mode: 0o755 },
  ],
  debianFiles: [
    { package: 'nginx', paths: ['/usr/sbin/nginx'] },
    { package: 'libc6', paths: ['/lib/{triplet}/', '/usr/lib/{triplet}/', '/lib64/ld-linux-x86-64.so.2'], arches: ['amd64'] },
    { package: 'libcrypt1', paths: ['/lib/{triplet}/'] },
    { package: 'libpcre2-8-0', paths: ['/usr/lib/{triplet}/'] },
    { package: 'libssl3', paths: ['/usr/lib/{triplet}/'] },
    { package: 'zlib1g', paths: ['/lib/{triplet}/'] },
  ],
  config: { cmd: ['nginx', '-g', 'daemon off;'], env: [path], exposedPorts: ['80/tcp'] },
  standIn: "Debian 12's nginx 1.22 with glibc and a minimal configuration, on busybox, for both tags (upstream: nginx 1.15 and 1.27 on Alpine)",
};

export const conformanceImageRecipes: readonly ConformanceImageRecipe[] = [
  nginx,
  {
    name: 'agnhost',
    files: [],
    symlinks: [{ path: '/agnhost-2', target: 'agnhost' }],
    dirs: agnhostDirs,
    base: toolsBase,
    config: { entrypoint: ['/agnhost'], cmd: ['pause'], env: [path], exposedPorts: ['80/tcp', '8080/tcp', '8081/tcp', '9376/tcp', '5000/tcp'] },
    standIn:
      'agnhost built from the pinned module on busybox 1.37 (defconfig) + Debian 12 bash (as sh), dash, netcat-openbsd, dig, curl, getent (upstream: Alpine with bind-tools, curl, netcat-openbsd, iproute2, iperf, bash; no bundled CoreDNS 1.6.2 or fake registry)',
  },
  {
    name: 'busybox',
    files: busyboxUserland.files,
    symlinks: busyboxUserland.symlinks,
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { cmd: ['sh'], env: [path] },
    standIn: "busybox 1.37.0 built here with upstream's defconfig, static, every applet linked (upstream: docker.io busybox 1.37)",
  },
  dnsProber('glibc-dns-testing', 'debian-base bookworm + dnsutils + CoreDNS 1.5.0'),
  // 1.35's DNS specs run their second prober on jessie-dnsutils; 1.36 renamed it glibc-dns-testing.
  dnsProber('jessie-dnsutils', 'Debian jessie + dnsutils + CoreDNS 1.5.0'),
  webserver('kitten'),
  webserver('nautilus'),
  {
    // The Aggregator spec: the extension API server and the etcd beside it in its pod.
    name: 'sample-apiserver',
    files: [{ path: '/sample-apiserver', from: { binary: 'sample-apiserver' }, mode: 0o755 }],
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { entrypoint: ['/sample-apiserver'], env: [path] },
    standIn: "k8s.io/sample-apiserver built from the staging module Kubernetes pins, on scratch (upstream: on distroless)",
  },
  {
    name: 'etcd',
    repository: 'registry.k8s.io/etcd',
    files: [{ path: '/usr/local/bin/etcd', from: { binary: 'etcd' }, mode: 0o755 }],
    dirs: [{ path: '/tmp', mode: 0o1777 }, { path: '/var/lib/etcd', mode: 0o700 }],
    config: { cmd: ['/usr/local/bin/etcd'], env: [path] },
    standIn: "the runtime's etcd (the version rfo pins for this minor) under the tag the spec names",
  },
  {
    // AllowPrivilegeEscalation specs: nnp is setuid root; with no_new_privs it stays the caller's uid.
    name: 'nonewprivs',
    files: [...busyboxUserland.files, { path: '/usr/local/bin/nnp', from: { binary: 'nnp' }, mode: 0o4755 }],
    symlinks: busyboxUserland.symlinks,
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { cmd: ['nnp'], env: [path] },
    standIn: 'nnp built from the pinned module (setuid root) on busybox (upstream: on Alpine 3.22)',
  },
  {
    name: 'nonroot',
    files: busyboxUserland.files,
    symlinks: busyboxUserland.symlinks,
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { cmd: ['sh'], env: [path], user: '1234' },
    standIn: 'busybox with USER 1234 (upstream: debian-base with USER 1234)',
  },
];
