// Pure: the two facts the scan needs from an executable's bytes. Whether it
// is an ELF file with Go build info (govulncheck can only read those), and
// whether it keeps its symbol table (.symtab): without one (-ldflags=-s)
// govulncheck cannot tell which vulnerable functions are linked and reports
// at module precision.

const goBuildInfoMagic = Buffer.from('\xff Go buildinf:', 'latin1');

export function isElf(data: Uint8Array): boolean {
  return data.length > 64 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

export function isGoBinary(data: Buffer): boolean {
  return isElf(data) && data.indexOf(goBuildInfoMagic) >= 0;
}

/** Section names of a 64- or 32-bit, little- or big-endian ELF file. */
export function elfSectionNames(data: Buffer): string[] {
  if (!isElf(data)) return [];
  const is64 = data[4] === 2;
  const le = data[5] === 1;
  const u16 = (o: number) => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
  const u32 = (o: number) => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o)) : u32(o));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > data.length) return [];
  const section = (i: number) => {
    const base = shoff + i * shentsize;
    return { name: u32(base), offset: word(base + (is64 ? 0x18 : 0x10)), size: word(base + (is64 ? 0x20 : 0x14)) };
  };
  const strtab = section(shstrndx);
  const names: string[] = [];
  for (let i = 0; i < shnum; i++) {
    const start = strtab.offset + section(i).name;
    const end = data.indexOf(0, start);
    names.push(data.subarray(start, end < 0 ? start : end).toString('latin1'));
  }
  return names;
}

export function hasSymbolTable(data: Buffer): boolean {
  return elfSectionNames(data).includes('.symtab');
}
