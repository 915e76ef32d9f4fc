// What most integration test files make first: an image with usr-guard in it
// and a local apt repository; and the one way they are removed again.
import { rmSync } from 'node:fs';
import { buildRepo } from './debs.js';
import { buildImage } from './sandbox.js';

/** An image layer with usr-guard (see buildImage) and a repository of `packages` (see buildRepo). */
export function aptFixture(packages: string[], imageArgs: string[] = []): { image: string; repo: string } {
  return { image: buildImage(imageArgs), repo: buildRepo(packages) };
}

/** Remove the folders a test file made (the ones it never made are undefined). */
export function removeAll(...dirs: (string | undefined)[]): void {
  for (const d of dirs) if (d) rmSync(d, { recursive: true, force: true });
}
