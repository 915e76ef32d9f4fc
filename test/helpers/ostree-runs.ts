// Commands in the real-ostree sandbox (ostree-host.ts), and reading what they
// printed: each boot's script marks its parts with "@@name" lines.
import { DPKG_AND_USR, expectAptRefused } from './apt-runs.js';
import { aptUseRepo } from './debs.js';
import { bootOstree } from './ostree-host.js';

/**
 * Shell for every boot: apt pointed at the repository, and `try NAME CMD`,
 * which prints "@@NAME", what CMD printed (stdout and stderr), then
 * "@@NAME rc=N unchanged|changed" (dpkg's status and /usr/bin).
 */
const prelude = (repo: string) => `${aptUseRepo(repo)}
snap() { ${DPKG_AND_USR}; }
try() { ug_before=$(snap); echo "@@$1"; eval "$2" 2>&1; ug_rc=$?; [ "$ug_before" = "$(snap)" ] && ug_same=unchanged || ug_same=changed; echo "@@$1 rc=$ug_rc $ug_same"; }
`;

/** Boot the sysroot once per script, with apt pointed at `repo`; what each printed (stdout, then stderr). */
export async function bootWithRepo(
  sysroot: string,
  repo: string,
  scripts: string[],
  fullCopy = false,
): Promise<string[]> {
  const r = await bootOstree({ sysroot, boots: scripts.map((s) => prelude(repo) + s), binds: [repo], fullCopy });
  return r.map((b) => b.stdout + b.stderr);
}

/** What a script printed between "@@name" and the next "@@" line. */
export function part(out: string, name: string): string {
  const at = out.indexOf(`@@${name}\n`);
  if (at < 0) throw new Error(`no @@${name} in:\n${out}`);
  const from = at + name.length + 3;
  const to = out.indexOf('\n@@', from - 1);
  return out.slice(from, to < 0 ? undefined : to + 1);
}

export const json = (out: string, name: string) => JSON.parse(part(out, name));

/** What `try name …` printed, its exit code, and whether dpkg's status and /usr held. */
export function tried(out: string, name: string) {
  const m = new RegExp(`^@@${name} rc=(\\d+) (unchanged|changed)$`, 'm').exec(out);
  if (!m) throw new Error(`no result of ${name} in:\n${out}`);
  return { text: part(out, name), rc: Number(m[1]), unchanged: m[2] === 'unchanged' };
}

/** Refused by usr-guard before anything was downloaded, nothing changed (as expectAptRefused). */
export function expectRefused(r: ReturnType<typeof tried>): void {
  expectAptRefused({ stdout: r.text, stderr: r.text, rc: r.rc, unchanged: r.unchanged, code: 0 });
}
