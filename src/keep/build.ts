// The build and the switch of `usr-guard keep`, as command lines (pure), and
// what the builder's output means: a progress line per step, the step that
// failed and why. The command runs them (src/commands/run-keep.ts).

import { COPIED_BASE, type ImageRef, KEPT_IMAGE, pullRef } from './bootc.js';

export type Builder = 'podman' | 'buildah';

/** The builder to use: podman, else buildah, else null (then: say which package to install). */
export function chooseBuilder(has: (name: string) => boolean): Builder | null {
  return has('podman') ? 'podman' : has('buildah') ? 'buildah' : null;
}

export const keptTag = (n: number) => `${KEPT_IMAGE}:${n}`;

export interface BuildPlan {
  builder: Builder;
  context: string;
  tag: string;
  /** Build on this image instead of the recipe's FROM (keep --rebase), with its digest as the label. */
  from?: { image: string; digest: string; label: string };
}

/** The builder's command line: no pull (the base is in containers-storage already), the recipe, the tag. */
export function buildArgs(p: BuildPlan): string[] {
  const verb = p.builder === 'podman' ? ['build'] : ['bud'];
  const from = p.from ? ['--from', p.from.image, '--label', `${p.from.label}=${p.from.digest}`] : [];
  return [...verb, '--pull=never', ...from, '-f', `${p.context}/Containerfile`, '-t', p.tag, p.context];
}

/** bootc's commands of a keep: the booted image into containers-storage, then the switch to the kept one. */
export const copyToStorageArgs = () => ['image', 'copy-to-storage', '--target', `containers-storage:${COPIED_BASE}`];
export const switchArgs = (tag: string) => ['switch', '--transport', 'containers-storage', tag];
/** Back to the image the host followed before the first keep. */
export const undoArgs = (r: ImageRef) => ['switch', '--transport', r.transport, r.image];
/** The vendor's newest image, pulled into containers-storage (keep --rebase). */
export const pullArgs = (r: ImageRef) => ['pull', pullRef(r)];

/** A progress line of the builder's output ("STEP 2/7: RUN apt-get …"), or null. */
export function stepLine(line: string): string | null {
  const m = /^STEP (\d+\/\d+): (.*)$/.exec(line);
  return m ? `usr-guard keep: step ${m[1]}: ${m[2]!.length > 100 ? `${m[2]!.slice(0, 97)}...` : m[2]}` : null;
}

export interface BuildFailure {
  /** The instruction that failed, as the builder echoes it, and its line in the Containerfile (0 when not found). */
  instruction: string;
  line: number;
  why: string;
}

/** Which step failed and why, from the builder's output and the Containerfile. Pure. */
export function buildFailure(output: string, containerfile: string): BuildFailure | null {
  const m = /building at STEP "((?:[^"\\]|\\.)*)": (.*)$/m.exec(output);
  if (!m) return null;
  let instruction = m[1]!;
  try {
    instruction = JSON.parse(`"${m[1]}"`) as string;
  } catch {
    // as printed
  }
  const lines = containerfile.split('\n');
  const at = lines.findIndex((l) => l.trim() === instruction.trim());
  const why = m[2]!.replace(/^error while running runtime: /, '').replace(/^(error )?/, '');
  return { instruction, line: at + 1, why };
}

/**
 * Whether containers-storage's folder has room for the build: the base
 * image's size again (a build's layers can be as large as what they change)
 * and the context's. Pure.
 */
export function roomFor(free: number, baseSize: number, contextSize: number): { ok: boolean; need: number } {
  const need = baseSize + contextSize;
  return { ok: free >= need, need };
}

/** Bytes in MiB, for the words. */
export const mib = (n: number) => `${Math.ceil(n / 1048576)} MiB`;
