// The one place where `usr-guard keep` reads the diff's result: what the
// overlay holds, turned into the parts of the recipe. The package lines are
// the diff's own Containerfile lines (src/diff/compute.ts), so that what makes
// them exact there (the names asked for, build-dep, removals) makes keep's
// exact too; the files changed by hand come from the diff's file list, folded
// into folders as the diff folds them. Pure.

import { containerfileLines, type FileChange, type FileGroup, type PackageChange } from '../diff/compute.js';
import type { RecipeInput } from './recipe.js';

export interface DiffResult {
  packages: PackageChange[];
  files: FileChange[];
  /** The files folded as the diff folds them (groupFiles). */
  groups: FileGroup[];
}

export type KeptParts = Pick<RecipeInput, 'packageLines' | 'copied' | 'deleted'>;

/** The diff's result as the parts of a recipe: the RUN lines, the paths to copy, the paths to delete. */
export function partsFromDiff(d: DiffResult): KeptParts {
  const packageLines = containerfileLines(d.packages, d.groups).filter((l) => l.startsWith('RUN '));
  const copied: string[] = [];
  const deleted: string[] = [];
  for (const g of d.groups) {
    if (g.files.some((f) => f.change !== 'deleted')) {
      // A folder of files added by hand is copied whole; otherwise each file that is there.
      if (g.path.endsWith('/')) copied.push(g.path);
      else copied.push(...g.files.filter((f) => f.change !== 'deleted').map((f) => f.path));
    }
    deleted.push(...g.files.filter((f) => f.change === 'deleted').map((f) => f.path));
  }
  return { packageLines, copied: [...new Set(copied)].sort(), deleted: [...new Set(deleted)].sort() };
}
