// Cuts a stream's chunks at line ends, so stdout and stderr of one component
// can share a log file without lines of one landing inside lines of the
// other, and a rotation never splits a line. A line longer than maxLine is
// passed on in pieces (memory stays bounded, as k0s' 16 KiB chunks).

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** The unterminated rest, at the end of the stream. */
  flush(): void;
}

export function lineSplitter(emit: (lines: Buffer) => void, maxLine = 16 * 1024): LineSplitter {
  let pending = Buffer.alloc(0);
  return {
    push(chunk) {
      const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const end = data.lastIndexOf(0x0a);
      if (end >= 0) {
        emit(data.subarray(0, end + 1));
        pending = Buffer.from(data.subarray(end + 1));
      } else pending = Buffer.from(data);
      if (pending.length >= maxLine) {
        emit(pending);
        pending = Buffer.alloc(0);
      }
    },
    flush() {
      if (pending.length) emit(pending);
      pending = Buffer.alloc(0);
    },
  };
}
