// The recipe of `usr-guard keep`: a Containerfile FROM the booted image that
// replays what the overlay holds (the package managers' RUN lines, local
// package files, files changed by hand), and the files its context must hold.
// Pure: the command gathers the facts, this writes the text, the edges copy
// the files and run the builder. docs/keep.md says why each line is there.

import type { PackageManager } from '../types.js';

/** The label that names the digest of the image the recipe was made FROM (checked before a build). */
export const DIGEST_LABEL = 'org.usr-guard.keep.base-digest';
/** The line between the recipe's head (FROM, LABEL) and what was kept: the user's to edit below it. */
export const BODY_MARK = '# ---- what usr-guard keep kept (edit freely below this line) ----';

export interface LocalPackage {
  manager: PackageManager;
  name: string;
  /** The file on the host (a copy usr-guard kept), and its name in the context. */
  file: string;
  contextName: string;
}

export interface RecipeInput {
  /** The booted image as containers-storage names it (bootc image copy-to-storage's target). */
  from: string;
  /** Its digest, as bootc status says (sha256:…). */
  digest: string;
  /** This keep's number: its context folder is keep-N/, its tag localhost/usr-guard-keep:N. */
  n: number;
  /** The package managers' RUN lines, as the diff gives them (RUN apt-get install -y …). */
  packageLines: string[];
  /** Packages the diff names whose file usr-guard kept (installed from the file, not a repository). */
  localPackages: LocalPackage[];
  /** Paths under /usr (files, or folders ending in "/") to COPY from the overlay's upper layer. */
  copied: string[];
  /** Paths under /usr deleted by hand. */
  deleted: string[];
  /** The base keeps dpkg's database in /var: move it into the image (usr-guard dpkg-db move). */
  dpkgDbInVar: boolean;
  /** The base has bootc: end with bootc container lint. */
  lint: boolean;
  /** The body of the recipe kept before (the lines below BODY_MARK of /etc/usr-guard/keep/Containerfile), or "". */
  earlier: string;
}

export interface Recipe {
  containerfile: string;
  /** Context files to make: [host path, path in the context]. */
  files: [string, string][];
}

/** Whether a path is one keep can carry: absolute, under /usr, no "." or ".." step, not empty. */
export function usrPath(path: string): boolean {
  if (!path.startsWith('/usr/')) return false;
  const steps = path.slice(1).replace(/\/$/, '').split('/');
  return steps.length >= 2 && steps.every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * A path as one word of printf's %b, in single quotes: printable ASCII stays
 * (so ordinary names read as they are); a quote, a backslash, "$", a control
 * byte or any byte above 0x7e becomes \0NNN (octal). So no name can end the
 * quote, continue the line, or start a new RUN line. Pure.
 */
export function printfWord(path: string): string {
  let s = '';
  for (const b of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(b);
    s +=
      b >= 0x20 && b <= 0x7e && c !== "'" && c !== '\\' && c !== '$' && c !== '%'
        ? c
        : `\\0${b.toString(8).padStart(3, '0')}`;
  }
  return `'${s}'`;
}

/** The RUN line that deletes `paths` (NUL-separated through printf, so any byte of a name is safe). */
export function removeLine(paths: string[]): string {
  return `RUN printf '%b\\0' ${paths.map(printfWord).join(' ')} | xargs -0 rm -rf --`;
}

/** A JSON string for the exec form of a Containerfile instruction. */
const json = (s: string) => JSON.stringify(s);

/** What apt, dnf and pacman need before an install in a build: their lists (a base image ships none). */
const REFRESH: Record<PackageManager, string | null> = {
  apt: 'RUN apt-get update',
  dnf: null,
  pacman: 'RUN pacman -Sy --noconfirm',
};
const INSTALL_FILES: Record<PackageManager, string> = {
  apt: 'apt-get install -y',
  dnf: 'dnf install -y',
  pacman: 'pacman -U --noconfirm',
};
const CLEAN: Record<PackageManager, string | null> = {
  apt: 'RUN apt-get clean && rm -rf /var/lib/apt/lists/*',
  dnf: 'RUN dnf clean all',
  pacman: null,
};

const managerOf = (line: string): PackageManager | null =>
  /^RUN (apt-get|apt) /.test(line)
    ? 'apt'
    : /^RUN dnf /.test(line)
      ? 'dnf'
      : /^RUN pacman /.test(line)
        ? 'pacman'
        : null;

/**
 * The package lines with the local packages taken out of them: a name the
 * diff wants from a repository whose file usr-guard kept is installed from
 * that file (no repository has it). A line left with no name goes.
 */
function packageRuns(lines: string[], local: LocalPackage[], dir: string): string[] {
  const byManager = new Map<PackageManager, LocalPackage[]>();
  for (const p of local) byManager.set(p.manager, [...(byManager.get(p.manager) ?? []), p]);
  const out: string[] = [];
  const managers = new Set<PackageManager>();
  for (const line of lines) {
    const m = managerOf(line);
    if (m === null) continue;
    const names = new Set((byManager.get(m) ?? []).map((p) => p.name));
    // The diff names a package installed from a file by the file, in /tmp/ (its COPY line): the context has it.
    for (const p of byManager.get(m) ?? []) names.add(`/tmp/${p.file.replace(/^.*\//, '')}`);
    const install = /^RUN (apt-get install -y|dnf install -y|pacman -S --noconfirm) /.test(line);
    // An install line is four words, then the names: a name installed from its file goes; no name left, no line.
    const words = line.split(' ');
    const kept = install ? [...words.slice(0, 4), ...words.slice(4).filter((w) => !names.has(w))] : words;
    if (!install || kept.length > 4) out.push(kept.join(' '));
    managers.add(m);
  }
  for (const [m, ps] of byManager) {
    const files = ps.map((p) => `/tmp/usr-guard-keep/${p.contextName}`);
    out.push(`COPY ${json(`${dir}/packages/`)} "/tmp/usr-guard-keep/"`);
    out.push(`RUN ${INSTALL_FILES[m]} ${files.join(' ')} && rm -rf /tmp/usr-guard-keep`);
    managers.add(m);
  }
  const order = (['apt', 'dnf', 'pacman'] as const).filter((m) => managers.has(m));
  return [
    ...order.flatMap((m) => (REFRESH[m] ? [REFRESH[m]] : [])),
    ...out,
    ...order.flatMap((m) => (CLEAN[m] ? [CLEAN[m]] : [])),
  ];
}

/** Whether there is anything to keep. */
export const hasChanges = (i: Pick<RecipeInput, 'packageLines' | 'localPackages' | 'copied' | 'deleted'>) =>
  i.packageLines.some((l) => managerOf(l) !== null) ||
  i.localPackages.length > 0 ||
  i.copied.length > 0 ||
  i.deleted.length > 0;

/** The recipe: the Containerfile's text and the files of its context. Throws on a path that is not under /usr. */
export function makeRecipe(i: RecipeInput): Recipe {
  for (const p of [...i.copied, ...i.deleted])
    if (!usrPath(p)) throw new Error(`not a path under /usr: ${JSON.stringify(p)}`);
  const dir = `keep-${i.n}`;
  const head = [
    '# usr-guard keep: the image this host booted, with what its overlay on /usr held.',
    '# Built with: podman build --pull=never (usr-guard keep); see usr-guard(8), KEEP.',
    `FROM ${i.from}`,
    `LABEL ${DIGEST_LABEL}=${json(i.digest)}`,
    BODY_MARK,
  ];
  const part = [`# keep ${i.n}`, ...packageRuns(i.packageLines, i.localPackages, dir)];
  // The files changed by hand, from the upper layer: one COPY of the folder that mirrors /usr's.
  if (i.copied.length > 0) part.push(`COPY ${json(`${dir}/usr/`)} "/usr/"`);
  if (i.deleted.length > 0) part.push(removeLine([...i.deleted].sort()));
  const earlier = i.earlier
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^RUN (usr-guard dpkg-db move|bootc container lint)$/.test(l));
  const tail = [
    ...(i.dpkgDbInVar ? ['RUN usr-guard dpkg-db move'] : []),
    ...(i.lint ? ['RUN bootc container lint'] : []),
  ];
  const files: [string, string][] = [
    ...i.localPackages.map((p): [string, string] => [p.file, `${dir}/packages/${p.contextName}`]),
    ...i.copied.map((p): [string, string] => [p, `${dir}${p}`]),
  ];
  return { containerfile: `${[...head, ...earlier, ...part, ...tail].join('\n')}\n`, files };
}

/** The lines below BODY_MARK of a recipe kept before ("" when it has none). Pure. */
export function bodyOf(containerfile: string): string {
  const at = containerfile.indexOf(`${BODY_MARK}\n`);
  return at < 0 ? '' : containerfile.slice(at + BODY_MARK.length + 1);
}

/** The digest a recipe's LABEL names, or null. Pure. */
export function labelledDigest(containerfile: string): string | null {
  const m = new RegExp(`^LABEL ${DIGEST_LABEL.replace(/\./g, '\\.')}=("[^"\\n]*")$`, 'm').exec(containerfile);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return null;
  }
}
