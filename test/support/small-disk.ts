// A small file system for full-disk tests: a tmpfs mounted on a directory, filled to refusal.
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Mounts a tmpfs of `size` on `dir`; the reason when it cannot (it needs root and mount(8)). */
export function mountSmallDisk(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
  }
}

/** Fills the file system with files in `dir` until it refuses; returns them so they can go. */
export async function fillDisk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const size of [1 << 20, 4096]) {
    for (;;) {
      const file = path.join(dir, `filler-${files.length}`);
      try {
        await writeFile(file, Buffer.alloc(size));
        files.push(file);
      } catch {
        await rm(file, { force: true });
        break;
      }
    }
  }
  return files;
}
