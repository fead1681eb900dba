import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elfSectionNames, hasSymbolTable, isGoBinary } from './parse-elf.ts';

/** A minimal little-endian ELF64 file with the given section names (enough for the section table). */
function elf(sections: string[], extra = Buffer.alloc(0)): Buffer {
  const names = ['', ...sections, '.shstrtab'];
  const strtab = Buffer.from(`${names.join('\0')}\0`, 'latin1');
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  const strOffset = 64;
  const shoff = strOffset + strtab.length + extra.length;
  header.writeBigUInt64LE(BigInt(shoff), 0x28);
  header.writeUInt16LE(64, 0x3a);
  header.writeUInt16LE(names.length, 0x3c);
  header.writeUInt16LE(names.length - 1, 0x3e);
  const table = Buffer.alloc(64 * names.length);
  let nameOffset = 0;
  names.forEach((n, i) => {
    table.writeUInt32LE(nameOffset, i * 64);
    nameOffset += n.length + 1;
    if (i === names.length - 1) {
      table.writeBigUInt64LE(BigInt(strOffset), i * 64 + 0x18);
      table.writeBigUInt64LE(BigInt(strtab.length), i * 64 + 0x20);
    }
  });
  return Buffer.concat([header, strtab, extra, table]);
}

test('a binary with .symtab gets symbol precision; a stripped one does not', () => {
  assert.deepEqual(elfSectionNames(elf(['.text', '.symtab'])), ['', '.text', '.symtab', '.shstrtab']);
  assert.equal(hasSymbolTable(elf(['.text', '.symtab'])), true);
  assert.equal(hasSymbolTable(elf(['.text', '.gopclntab'])), false);
  assert.equal(hasSymbolTable(Buffer.from('#!/bin/sh\necho not elf\n'.repeat(5))), false);
});

test('Go binaries are told apart by their build info magic', () => {
  assert.equal(isGoBinary(elf(['.text'], Buffer.from('\xff Go buildinf:', 'latin1'))), true);
  assert.equal(isGoBinary(elf(['.text'])), false, 'a C program (pause) is not Go');
});
