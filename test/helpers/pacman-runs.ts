// A pacman command in a sandbox pointed at a local repository, with pacman's
// local database and /usr compared before and after, and what a refusal
// must look like. Each run gets a /var of its own, seeded from the image's
// (which holds the packages pacmanInstallInto put there).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { pacmanUseRepo } from './pacman-pkgs.js';
import { runAndCompare, runInSandbox, type SandboxSpec } from './sandbox.js';

export const PACMAN_HEADLINE =
  'error: read-only /usr detected, refusing to operate. See `man pacman-image-based` for more information.';
export const LOCKED = { usr: 'image', ostreeBooted: true } as const;
export const OVERLAY = { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' } as const;
export const MUTABLE = { usr: 'writable' } as const;
/**
 * pacman's own CheckSpace (on in Debian's and Arch's pacman.conf) stops an
 * install on a read-only /usr before any hook runs: off, usr-guard's hook is
 * what meets the transaction, as on hosts without it and for every removal.
 */
export const NO_CHECKSPACE = "sed -i 's/^CheckSpace/#CheckSpace/' /etc/pacman.conf";
/** pacman's local database, every file with its content, and /usr's programs. */
const SNAP =
  'find /var/lib/pacman/local -type f -exec sha256sum {} + 2>/dev/null | sort; ls -la --time-style=full-iso /usr/bin /usr/share | sha256sum';

/** Run `script` as root on a host with its own /var, seeded from the image's. */
export function pacmanHost(spec: Omit<SandboxSpec, 'script' | 'varDir'>, script: string) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  try {
    return runInSandbox({ ...spec, varDir, script });
  } finally {
    rmSync(varDir, { recursive: true, force: true });
  }
}

/** Run `cmd` after pointing pacman at `repo` (CheckSpace off unless `setup` says otherwise); report pacman's database and /usr before and after. */
export function pacmanRun(
  spec: Omit<SandboxSpec, 'script' | 'varDir'>,
  cmd: string,
  repo: string,
  setup = NO_CHECKSPACE,
) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  try {
    // pacman -Q makes the local database (its version file) where there is none yet, before the first snapshot.
    return runAndCompare({ ...spec, varDir }, `${pacmanUseRepo(repo)}\n${setup}\npacman -Q >/dev/null 2>&1`, SNAP, cmd);
  } finally {
    rmSync(varDir, { recursive: true, force: true });
  }
}

/** Refused by usr-guard's hook: its headline, pacman's abort, pacman's database and /usr unchanged, none of pacman's own errors about the read-only /usr. */
export function expectPacmanRefused(r: ReturnType<typeof pacmanRun>) {
  expect(r.stdout + r.stderr).toContain(PACMAN_HEADLINE);
  expect(r.stderr).toContain('error: failed to commit transaction (failed to run transaction hooks)');
  expect(r.rc).toBe(1);
  expect(r.unchanged).toBe(true);
  expect(r.stdout + r.stderr).not.toMatch(
    /Read-only file system|warning given when extracting|Partition \/usr is mounted read only/,
  );
}

/** Every line usr-guard said (pacman relays a hook's output line by line): its own, and the indented ones that follow. */
export const guardLines = (r: { stdout: string; stderr: string }) =>
  (r.stdout + r.stderr).split('\n').filter((l) => /usr-guard|read-only \/usr/.test(l) || /^ {2}\S/.test(l));
