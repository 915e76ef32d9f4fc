// Which packages a boot changed, read from two copies of dpkg's status file
// (and apt's marks, extended_states): the boot unit's snapshot taken at the
// boot's start, and the database now. A package's state is its stanza with
// the Status line's first word (the wanted/selection flag: install, hold,
// deinstall, purge) left out: `apt-mark hold` and `dpkg --set-selections`
// change only that word and only /var, and are kept. A stanza that says the
// package is not installed is the same state as no stanza. Pure, and fuzzed
// (test/unit/fuzz-dpkg-db.test.ts).

/** The stanzas of a deb822 file (dpkg's status, apt's extended_states) by "package:arch", in order. */
export function stanzas(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\n(?:[ \t]*\n)+/)) {
    const s = raw.replace(/^\n+|\n+$/g, '');
    if (s === '') continue;
    const name = /^Package:[ \t]*(\S+)/m.exec(s)?.[1];
    if (name === undefined) continue;
    const arch = /^Architecture:[ \t]*(\S+)/m.exec(s)?.[1] ?? '';
    out.set(`${name}:${arch}`, s);
  }
  return out;
}

/** What changes only with /usr's packages: the stanza without its wanted flag; 'absent' when not installed. */
export function stateOf(stanza: string | undefined): string {
  if (stanza === undefined) return 'absent';
  const status = /^Status:[ \t]*\S+[ \t]+(\S+)[ \t]+(\S+)[ \t]*$/m.exec(stanza);
  if (status?.[2] === 'not-installed') return 'absent';
  return stanza.replace(/^Status:[ \t]*\S+/m, 'Status: *');
}

/** The "package:arch" keys whose state differs between `then` and `now` (status files' texts), sorted. */
export function changedPackages(then: string, now: string): string[] {
  const a = stanzas(then);
  const b = stanzas(now);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => stateOf(a.get(k)) !== stateOf(b.get(k))).sort();
}

const text = (m: Map<string, string>) => [...m.values()].map((s) => `${s}\n\n`).join('');
const nameOf = (key: string) => key.slice(0, key.lastIndexOf(':'));

/**
 * dpkg's status to put back: the changed packages as `then` had them, every
 * other as `now` has it (with its selection or hold of this boot).
 */
export function mergeStatus(then: string, now: string, changed: readonly string[]): string {
  return text(pick(stanzas(then), stanzas(now), (k) => changed.includes(k)));
}

/**
 * apt's marks to put back: those of the changed packages (by name: apt marks
 * an Architecture: all package with the native one) as `then` had them, the
 * others (`apt-mark auto`/`manual` of this boot) as `now` has them.
 */
export function mergeMarks(then: string, now: string, changed: readonly string[]): string {
  const names = new Set(changed.map(nameOf));
  return text(pick(stanzas(then), stanzas(now), (k) => names.has(nameOf(k))));
}

/** Each key from `then` or `now`, in `then`'s order and then `now`'s (a file unchanged reads back the same). */
function pick(then: Map<string, string>, now: Map<string, string>, fromThen: (k: string) => boolean) {
  const out = new Map<string, string>();
  for (const k of new Set([...then.keys(), ...now.keys()])) {
    const s = fromThen(k) ? then.get(k) : now.get(k);
    if (s !== undefined) out.set(k, s);
  }
  return out;
}
