// Pure: the error for a failed `ctr images import`, by what ctr said. A full
// disk is the host's problem, not the archive's: telling the operator to
// replace a good archive would send them the wrong way.

import { RfoError } from '../errors.ts';

export function imageImportError(file: string, stderr: string, containerdRoot: string): RfoError {
  const message = `importing ${file} failed: ${stderr.trim()}`;
  if (/no space left on device/i.test(stderr)) {
    return new RfoError('RFO_DISK_FULL', message, { hint: `free disk space on the file system of ${containerdRoot} (containerd unpacks the images there), then start rfo again` });
  }
  return new RfoError('RFO_IMAGE_INVALID', message, { hint: 'remove or replace the archive in agent/images' });
}
