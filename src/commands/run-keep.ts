// `usr-guard keep [--dry-run | --context DIR | --undo | --rebase]`: this
// boot's overlay on /usr becomes the next boot's image. The recipe is made
// from what `usr-guard diff` computes (src/keep/from-diff.ts, the one place it
// is read), written as a build context, built FROM the booted image with
// podman (or buildah) and switched to with bootc. docs/keep.md says how.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { groupFiles } from '../diff/compute.js';
import { EXIT, Failure, UsageError } from '../exit-codes.js';
import type { Out } from '../output.js';
import type { PackageManager } from '../types.js';
import { COPIED_BASE, parseKeepStatus, type KeepBootc } from '../keep/bootc.js';
import { buildArgs, copyToStorageArgs, keptTag, chooseBuilder, switchArgs, undoArgs } from '../keep/build.js';
import { CONTEXT, KEPT_RECIPE, localPackages, readRecord, writeContext } from '../keep/context.js';
import { partsFromDiff } from '../keep/from-diff.js';
import { BODY_MARK, bodyOf, hasChanges, labelledDigest, makeRecipe } from '../keep/recipe.js';
import { has, runQuiet } from '../keep/run.js';
import { buildAndSwitch, type Edge, switchBack } from '../keep/steps.js';
import { compute, holdsOnly } from './run-diff.js';
import { commandStart } from './start.js';
import {
  bootcStatusFailed,
  contextNotOurs,
  DRY_RUN_HEAD,
  KEEP_NEEDS_ROOT,
  keepError,
  keepInContainer,
  keepNoBootc,
  keepNoOverlay,
  keepNote,
  keepNotImageBased,
  NO_BOOTED_DIGEST,
  NO_BUILDER,
  NO_KEPT_RECIPE,
  NO_VENDOR_RECORD,
  NOTHING_TO_KEEP,
  NOTHING_TO_UNDO,
  OTHER_BASE,
  recipeWritten,
} from '../messages/keep.js';

export interface KeepOptions {
  dryRun: boolean;
  context: string | null;
  undo: boolean;
  rebase: boolean;
}

/** A one-line reason to do nothing: exit 2. */
const nothing = (why: string) => new UsageError(keepError(why));

function bootcStatus(bootc: string, env: NodeJS.ProcessEnv): KeepBootc {
  const r = runQuiet(bootc, ['status', '--format=json'], env);
  if (r.code !== 0) throw new Failure(keepError(bootcStatusFailed(r.output.trim().split('\n').pop() ?? '')));
  try {
    return parseKeepStatus(r.output);
  } catch (e) {
    throw new Failure(keepError((e as Error).message));
  }
}

export async function keepCommand(
  opts: KeepOptions,
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const { config, state: s } = await commandStart(env, isRoot, out);
  if (s.container.detected) throw nothing(keepInContainer(s.state));
  if (!s.host.imageBased) throw nothing(keepNotImageBased(s.state));
  const bootc = config.paths.bootc;
  if (!existsSync(bootc)) throw nothing(keepNoBootc(bootc));
  if (!isRoot && !opts.dryRun && opts.context === null) throw nothing(KEEP_NEEDS_ROOT);
  if (opts.context !== null) {
    // The folder is replaced whole: only an empty one, or a recipe keep wrote before, never a folder of the user's.
    const dir = opts.context;
    const held = existsSync(dir) ? (statSync(dir).isDirectory() ? readdirSync(dir) : [dir]) : [];
    const ours = existsSync(`${dir}/Containerfile`) && readFileSync(`${dir}/Containerfile`, 'utf8').includes(BODY_MARK);
    if (held.length > 0 && !ours) throw nothing(contextNotOurs(dir));
  }
  const edge: Edge = { env, out, bootc, dryRun: opts.dryRun };
  const record = readRecord();

  if (opts.undo) {
    if (!record.followed) throw nothing(NOTHING_TO_UNDO);
    return switchBack(edge, record.followed, undoArgs(record.followed));
  }

  // Plain keep: nothing to keep without an overlay, whatever bootc says.
  if (!opts.rebase && (s.usr?.overlay !== 'unlock' || !s.usr.upperdir)) throw nothing(keepNoOverlay(s.state));
  const status = bootcStatus(bootc, env);
  if (!status.booted) throw new Failure(keepError(NO_BOOTED_DIGEST));

  if (opts.rebase) {
    if (!existsSync(`${KEPT_RECIPE}/Containerfile`)) throw nothing(NO_KEPT_RECIPE);
    if (!record.followed) throw nothing(NO_VENDOR_RECORD);
    return buildAndSwitch(edge, { rebaseOn: record.followed, n: record.n + 1, record });
  }

  const upperdir = s.usr!.upperdir!;
  const c = compute(s);
  const parts = partsFromDiff({ ...c.diff, groups: groupFiles(c.diff.files, c.upper, holdsOnly) });
  const wanted = new Map<string, PackageManager>(
    c.diff.packages.filter((p) => p.change !== 'removed').map((p) => [p.name.replace(/:.*$/, ''), p.manager]),
  );
  const local = localPackages(wanted);
  if (!hasChanges({ ...parts, localPackages: local })) throw nothing(NOTHING_TO_KEEP);
  for (const n of c.diff.overlay?.notes ?? []) out.err([keepNote(n)]);

  const earlier = existsSync(`${KEPT_RECIPE}/Containerfile`)
    ? readFileSync(`${KEPT_RECIPE}/Containerfile`, 'utf8')
    : '';
  const n = record.n + 1;
  const recipe = makeRecipe({
    from: COPIED_BASE,
    digest: status.booted.digest,
    n,
    ...parts,
    localPackages: local,
    dpkgDbInVar: s.dpkgDatabase?.onUsr === false && existsSync('/var/lib/dpkg/status'),
    lint: bootc.startsWith('/usr/'),
    earlier: bodyOf(earlier),
  });

  if (opts.context !== null) {
    writeContext(opts.context, recipe, upperdir, earlier ? KEPT_RECIPE : null);
    out.err([recipeWritten(opts.context)]);
    return EXIT.OK;
  }
  const builder = chooseBuilder(has);
  if (opts.dryRun) {
    out.out(recipe.containerfile);
    const b = builder ?? 'podman';
    out.err([
      DRY_RUN_HEAD,
      `${bootc} ${copyToStorageArgs().join(' ')}`,
      `${b} ${buildArgs({ builder: b, context: CONTEXT, tag: keptTag(n) }).join(' ')}`,
      `${bootc} ${switchArgs(keptTag(n)).join(' ')}`,
    ]);
    return EXIT.OK;
  }
  if (!builder) throw new Failure(keepError(NO_BUILDER));
  writeContext(CONTEXT, recipe, upperdir, earlier ? KEPT_RECIPE : null);
  if (labelledDigest(recipe.containerfile) !== status.booted.digest) throw new Failure(keepError(OTHER_BASE));
  return buildAndSwitch(edge, {
    n,
    record: { ...record, followed: record.followed ?? status.followed },
    booted: status.booted.digest,
  });
}
