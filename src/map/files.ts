import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `chunks` to `path` through a temporary file in the same folder and
 * renames it into place, so a failed or interrupted write never leaves a
 * partial file where a reader would find it.
 */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): number {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let bytes = 0;
  const fd = openSync(temporary, 'w');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
      bytes += chunk.length;
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return bytes;
}

/** Reads a whole file into an 8-byte-aligned buffer (typed-array views need the alignment). */
export function readFileAligned(path: string): Uint8Array {
  const bytes = readFileSync(path);
  return bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
}
