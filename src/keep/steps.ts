// The acting half of `usr-guard keep`: the booted image into
// containers-storage (or the vendor's newest pulled), the digest checked,
// the room checked, the build (a progress line per step on a terminal, the
// builder's log kept), the recipe kept in /etc, the switch, the record.
// Each step that fails says which, and why: exit 1.

import { readFileSync, readlinkSync } from 'node:fs';
import { EXIT, Failure } from '../exit-codes.js';
import type { Out } from '../output.js';
import { COPIED_BASE, type ImageRef, parseKeepStatus } from './bootc.js';
import {
  buildArgs,
  buildFailure,
  chooseBuilder,
  copyToStorageArgs,
  keptTag,
  mib,
  pullArgs,
  roomFor,
  stepLine,
  switchArgs,
  type Builder,
} from './build.js';
import {
  BUILD_LOG,
  CONTEXT,
  copyContext,
  folderBytes,
  freeBytes,
  KEPT_RECIPE,
  type KeepRecord,
  writeRecord,
} from './context.js';
import { DIGEST_LABEL, labelledDigest } from './recipe.js';
import { has, program, runLogged, runQuiet } from './run.js';
import {
  buildFailed,
  buildFailedAt,
  builtAndSwitched,
  keepError,
  NO_BUILDER,
  nothingToRebase,
  noRoomToBuild,
  REBASE_DRY_RUN_HEAD,
  recipeForAnother,
  stepFailed,
  switchedBack,
  UNDO_DRY_RUN_HEAD,
  VENDOR_IMAGE,
} from '../messages/keep.js';

export interface Edge {
  env: NodeJS.ProcessEnv;
  out: Out;
  bootc: string;
  dryRun: boolean;
}

const lastLine = (s: string) => s.trim().split('\n').filter(Boolean).pop() ?? '';

/** Run a step; a failure names it and ends the keep (exit 1). */
function must(name: string, file: string, args: string[], env: NodeJS.ProcessEnv): string {
  const r = runQuiet(file, args, env);
  if (r.code !== 0) throw new Failure(keepError(stepFailed(name, [file, ...args].join(' '), lastLine(r.output))));
  return r.output;
}

/** bootc switch to the image the host followed before (keep --undo). */
export function switchBack(e: Edge, to: ImageRef, args: string[]): number {
  if (e.dryRun) {
    e.out.err([UNDO_DRY_RUN_HEAD, `${e.bootc} ${args.join(' ')}`]);
    return EXIT.OK;
  }
  must('the switch back', e.bootc, args, e.env);
  e.out.err(switchedBack(to.image));
  return EXIT.OK;
}

function stderrIsTerminal(): boolean {
  try {
    return /^\/dev\/(pts\/|tty|console)/.test(readlinkSync('/proc/self/fd/2'));
  } catch {
    return false;
  }
}

/** containers-storage's folder, and the base image's size, as the builder says. */
function storageFacts(b: Builder, image: string, env: NodeJS.ProcessEnv): { graphRoot: string; baseSize: number } {
  const bin = program(b);
  if (b === 'podman') {
    const graphRoot = must('podman info', bin, ['info', '--format', '{{.Store.GraphRoot}}'], env).trim();
    const size = Number(
      must('podman image inspect', bin, ['image', 'inspect', '--format', '{{.Size}}', image], env).trim(),
    );
    return { graphRoot, baseSize: Number.isFinite(size) ? size : 0 };
  }
  const graphRoot = must('buildah info', bin, ['info', '--format', '{{.store.GraphRoot}}'], env).trim();
  const doc = JSON.parse(must('buildah inspect', bin, ['inspect', '--type', 'image', image], env)) as {
    Manifest?: string;
  };
  const layers = (JSON.parse(doc.Manifest ?? '{}') as { layers?: { size?: number }[] }).layers ?? [];
  return { graphRoot, baseSize: layers.reduce((n, l) => n + (l.size ?? 0), 0) };
}

function imageDigest(b: Builder, image: string, env: NodeJS.ProcessEnv): string {
  const args =
    b === 'podman'
      ? ['image', 'inspect', '--format', '{{.Digest}}', image]
      : ['inspect', '--type', 'image', '--format', '{{.FromImageDigest}}', image];
  return must(`${b} inspect`, program(b), args, env).trim();
}

export interface BuildJob {
  n: number;
  record: KeepRecord;
  /** keep: the booted image's digest, which the recipe's label must name. */
  booted?: string;
  /** keep --rebase: the vendor's image to build the kept recipe on. */
  rebaseOn?: ImageRef;
}

export async function buildAndSwitch(e: Edge, job: BuildJob): Promise<number> {
  const builder = chooseBuilder(has);
  if (!builder) throw new Failure(keepError(NO_BUILDER));
  const tag = keptTag(job.n);
  let from: { image: string; digest: string; label: string } | undefined;
  let base = COPIED_BASE;
  if (job.rebaseOn) {
    const r = job.rebaseOn;
    if (e.dryRun) {
      e.out.err([
        REBASE_DRY_RUN_HEAD,
        ...(r.transport === 'containers-storage' ? [] : [`${builder} ${pullArgs(r).join(' ')}`]),
        `${builder} ${buildArgs({ builder, context: CONTEXT, tag, from: { image: r.image, digest: 'DIGEST', label: DIGEST_LABEL } }).join(' ')}`,
        `${e.bootc} ${switchArgs(tag).join(' ')}`,
      ]);
      return EXIT.OK;
    }
    if (r.transport !== 'containers-storage') must("pulling the vendor's image", program(builder), pullArgs(r), e.env);
    base = r.image;
    from = { image: r.image, digest: imageDigest(builder, r.image, e.env), label: DIGEST_LABEL };
    if (from.digest === job.record.baseDigest) {
      e.out.err([nothingToRebase(r.image, from.digest)]);
      return EXIT.OK;
    }
    copyContext(KEPT_RECIPE, CONTEXT);
  } else {
    must('copying the booted image into containers-storage', e.bootc, copyToStorageArgs(), e.env);
    // The recipe is for the image this host booted: not another one booted since (then: --rebase).
    const now = parseKeepStatus(must('bootc status', e.bootc, ['status', '--format=json'], e.env)).booted?.digest;
    const want = labelledDigest(readFileSync(`${CONTEXT}/Containerfile`, 'utf8'));
    if (!now || now !== want || now !== job.booted) throw new Failure(keepError(recipeForAnother(want, now)));
  }

  const { graphRoot, baseSize } = storageFacts(builder, base, e.env);
  const free = freeBytes(graphRoot);
  const room = roomFor(free ?? 0, baseSize, folderBytes(CONTEXT));
  if (free !== null && !room.ok) throw new Failure(keepError(noRoomToBuild(graphRoot, mib(free), mib(room.need))));

  const tty = stderrIsTerminal();
  const args = buildArgs({ builder, context: CONTEXT, tag, from });
  const built = await runLogged(program(builder), args, e.env, BUILD_LOG, (l) => {
    const p = tty ? stepLine(l) : null;
    if (p) e.out.err([p]);
  });
  if (built.code !== 0) {
    const f = buildFailure(built.output, readFileSync(`${CONTEXT}/Containerfile`, 'utf8'));
    const where = buildFailedAt(f, CONTEXT, builder, built.code, lastLine(built.output));
    throw new Failure(keepError(buildFailed(where, BUILD_LOG)));
  }
  copyContext(CONTEXT, KEPT_RECIPE);
  must('the switch', e.bootc, switchArgs(tag), e.env);
  writeRecord({ n: job.n, followed: job.record.followed, baseDigest: from?.digest ?? job.booted ?? null });
  const vendor = job.record.followed?.image ?? VENDOR_IMAGE;
  e.out.err(builtAndSwitched(tag, vendor, BUILD_LOG));
  return EXIT.OK;
}
