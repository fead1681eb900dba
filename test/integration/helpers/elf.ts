// Reads the machine field of an ELF header, to check cross-compiled
// binaries without running them.

import { open } from 'node:fs/promises';

const machines: Record<number, string> = { 0x3e: 'amd64', 0xb7: 'arm64', 0xf3: 'riscv64' };

export async function readElfMachine(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const header = Buffer.alloc(20);
    await fh.read(header, 0, 20, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
    const machine = header.readUInt16LE(18);
    return machines[machine] ?? `unknown(0x${machine.toString(16)})`;
  } finally {
    await fh.close();
  }
}
