// Pure: a chart's image values (repository, tag) for an image reference; rfo
// passes the staged runtime's references at deploy time.

import { refRepository, refTag } from '../images/image-ref.ts';

export function imageValues(ref: string): { repository: string; tag: string } {
  return { repository: refRepository(ref), tag: refTag(ref) };
}
