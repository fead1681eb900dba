// A component's log file, rotated by size: when the next write would take
// `<name>.log` past maxBytes it becomes `<name>.log.1` (.1 → .2 …, the oldest
// beyond maxFiles is dropped) and a new file is started. Nothing is ever
// truncated: a file that is already too big when opened is rotated first.
// Files are 0600 (component logs can carry tokens in request dumps), also
// ones an older rfo left with another mode.
//
// Why rfo writes the logs itself (components get pipes, see supervisor.ts)
// instead of giving them the file: a process holding the fd keeps writing at
// its own offset, so the only way to rotate under it is copy-truncate, which
// loses the lines written between the copy and the truncate.
//
// Writes are synchronous: small appends to the page cache, in arrival order,
// and a rename between two lines is then trivially safe. Errors (a full disk)
// are reported once and the lines dropped; logging never stops rfo.

import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LogRotation {
  /** Rotate before a file grows past this many bytes. */
  readonly maxBytes: number;
  /** Files kept in all, the live one included (at least 2, so a rotation always keeps a copy). */
  readonly maxFiles: number;
}

export const defaultLogRotation: LogRotation = { maxBytes: 50 * 1024 * 1024, maxFiles: 5 };

export interface RotatingLog {
  write(chunk: Buffer): void;
  close(): void;
}

export function openRotatingLog(path: string, rotation: LogRotation, report: (message: string) => void): RotatingLog {
  let fd: number | undefined;
  let size = 0;
  let failing = false;
  // After close, late output (a pipe drained after stop gave up waiting) is dropped, not a reopened fd.
  let closed = false;
  const fail = (what: string, err: unknown) => {
    if (!failing) report(`log ${path}: ${what} failed (${(err as Error).message}); dropping lines until it works again`);
    failing = true;
  };
  const open = () => {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a', 0o600);
    fchmodSync(fd, 0o600);
    size = fstatSync(fd).size;
  };
  const rotate = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(`${path}.${rotation.maxFiles - 1}`, { force: true });
    for (let i = rotation.maxFiles - 2; i >= 1; i--) {
      try {
        renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    renameSync(path, `${path}.1`);
    open();
  };
  const ensureOpen = () => {
    if (fd === undefined) open();
    if (size >= rotation.maxBytes) rotate();
  };
  try {
    ensureOpen();
  } catch (err) {
    fail('opening', err);
  }
  return {
    write(chunk) {
      if (closed) return;
      try {
        ensureOpen();
        if (size > 0 && size + chunk.length > rotation.maxBytes) rotate();
        if (fd === undefined) return;
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        size += chunk.length;
        failing = false;
      } catch (err) {
        fail('writing', err);
        // Reopen on the next write (the file may have been removed or the disk freed).
        if (fd !== undefined) {
          try {
            closeSync(fd);
          } catch {
            // already closed
          }
        }
        fd = undefined;
      }
    },
    close() {
      closed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
