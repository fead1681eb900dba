// File capabilities (what `setcap cap_net_bind_service+ep` stores) as the
// security.capability xattr value, so a non-root image user can still bind
// port 53 without the image build ever running setcap.

/** vfs_cap_data revision 2 with the effective flag: the given capabilities permitted and effective. */
export function fileCapabilities(capabilityNumbers: readonly number[]): Buffer {
  const buf = Buffer.alloc(20);
  let low = 0;
  let high = 0;
  for (const n of capabilityNumbers) {
    if (!Number.isInteger(n) || n < 0 || n > 63) throw new RangeError(`capability number ${n} is out of range (0..63)`);
    if (n < 32) low |= 1 << n;
    else high |= 1 << (n - 32);
  }
  buf.writeUInt32LE(0x02000001, 0); // VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE
  buf.writeUInt32LE(low >>> 0, 4); // permitted[0]
  buf.writeUInt32LE(0, 8); // inheritable[0]
  buf.writeUInt32LE(high >>> 0, 12); // permitted[1]
  buf.writeUInt32LE(0, 16); // inheritable[1]
  return buf;
}
