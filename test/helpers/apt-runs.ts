// An apt (or dpkg) command in a sandbox pointed at a local repository, with
// dpkg's status file and /usr compared before and after, and what a refusal
// must look like.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { aptUseRepo } from './debs.js';
import { REPO, runAndCompare, type SandboxSpec } from './sandbox.js';

export const APT_HEADLINE =
  'error: read-only /usr detected, refusing to operate. See `man apt-image-based` for more information.';

/** The command of usr-guard's apt.conf line for `key` (AptCli::Hooks::Install, DPkg::Pre-Install-Pkgs …), as apt echoes it. */
export function aptHookLine(key: string): string {
  const conf = readFileSync(join(REPO, 'apt-conf.d/50usr-guard'), 'utf8');
  const m = conf
    .split('\n')
    .map((l) => /^(\S+) \{ (".*"); \};$/.exec(l))
    .find((l) => l?.[1] === key);
  if (!m) throw new Error(`no ${key} in apt-conf.d/50usr-guard`);
  return JSON.parse(m[2]!) as string;
}
/** What apt says when Pre-Install-Pkgs refuses: all that clients of apt as a library (aptitude, python-apt, PackageKit) show. */
export const APT_PKGS_ECHO = `Failure running script ${aptHookLine('DPkg::Pre-Install-Pkgs')}`;
/** What apt and apt-get say when their JSON hook refuses. */
export const APT_JSON_ECHO = `Failure running hook ${aptHookLine('AptCli::Hooks::Install')}`;
export const LOCKED = { usr: 'image', ostreeBooted: true } as const;
export const OVERLAY = { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' } as const;

/** Shell whose output changes when dpkg's status file or /usr/bin does: what a refusal must leave as it was. */
export const DPKG_AND_USR = 'sha256sum </var/lib/dpkg/status; ls -la --time-style=full-iso /usr/bin | sha256sum';

/** Run `cmd` after pointing apt at `repo`; report dpkg's status and /usr before and after. */
export function aptRun(spec: Omit<SandboxSpec, 'script'>, cmd: string, repo: string, setup = '') {
  return runAndCompare(spec, `${aptUseRepo(repo)}\n${setup}`, DPKG_AND_USR, cmd);
}

/** Refused by usr-guard: its headline, nothing changed, no dpkg error, and (unless `afterDownload`) nothing downloaded. */
export function expectAptRefused(r: ReturnType<typeof aptRun>, afterDownload = false) {
  expect(r.stderr).toContain(APT_HEADLINE);
  expect(r.rc).not.toBe(0);
  expect(r.unchanged).toBe(true); // dpkg's status file and /usr are as they were
  expect(r.stdout + r.stderr).not.toMatch(/dpkg: error processing|Read-only file system|unable to clean up/);
  if (!afterDownload) expect(r.stdout).not.toMatch(/^Get:/m); // refused before anything was downloaded
}
