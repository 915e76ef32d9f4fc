// Files under /usr that no package lists, yet that packages made: they are a
// package change's doing, not a hand change, and a Containerfile that installs
// the packages makes them again. Two kinds:
// - the links update-alternatives makes for a package's maintainer script
//   (/usr/bin/editor -> /etc/alternatives/editor), which dpkg records in
//   /var/lib/dpkg/alternatives/NAME with the files they may point to;
// - the caches that triggers rebuild when a package adds to what they index.
//   No file list names them, and their writers (the programs the triggers run)
//   are many; these are the ones Debian's triggers write under /usr, each with
//   the program that writes it.

import { readdirSync, readFileSync } from 'node:fs';

/** An alternative as dpkg records it: its links (the master's and the slaves'), and the files they may point to. */
export interface Alternative {
  links: string[];
  choices: string[];
}

/**
 * One of dpkg's alternatives files: the mode, the master link, then name and
 * link per slave up to a blank line, then per choice its file, its priority and
 * one target per slave (empty where it has none), up to a blank line. Pure;
 * null for a file that does not read so.
 */
export function parseAlternative(text: string): Alternative | null {
  const lines = text.split('\n');
  const master = lines[1];
  if (!/^(auto|manual)$/.test(lines[0] ?? '') || !master?.startsWith('/')) return null;
  const links = [master];
  let i = 2;
  for (; i + 1 < lines.length && lines[i] !== ''; i += 2) links.push(lines[i + 1]!);
  if (lines[i] !== '') return null;
  const slaves = links.length - 1;
  const choices: string[] = [];
  for (i++; i < lines.length && lines[i] !== ''; i += 2 + slaves) {
    choices.push(lines[i]!, ...lines.slice(i + 2, i + 2 + slaves).filter((t) => t !== ''));
  }
  return { links, choices };
}

/** The links of the alternatives one of whose choices `changed` holds (files of the packages that changed). Pure. */
export function alternativeLinks(alternatives: Alternative[], changed: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const a of alternatives) if (a.choices.some((c) => changed.has(c))) for (const l of a.links) out.add(l);
  return out;
}

/** dpkg's alternatives (in `db`/alternatives); unreadable ones are left out. */
export function readAlternatives(db: string): Alternative[] {
  let names: string[];
  try {
    names = readdirSync(`${db}/alternatives`);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    try {
      return [parseAlternative(readFileSync(`${db}/alternatives/${n}`, 'utf8'))].filter((a) => a !== null);
    } catch {
      return [];
    }
  });
}

/**
 * The caches triggers write under /usr, when a package adds to what they
 * index. A change by hand can write them too (running the program); they
 * count as the packages' doing only where apt or dpkg changed a package.
 */
const TRIGGER_CACHES = new RegExp(
  `^/usr/(${[
    'share/icons/[^/]+/icon-theme\\.cache', // gtk-update-icon-cache (hicolor-icon-theme, libgtk-3-bin)
    'share/glib-2\\.0/schemas/gschemas\\.compiled', // glib-compile-schemas (libglib2.0-0)
    'share/mime/(?!packages/).+', // update-mime-database (shared-mime-info): all but its sources
    'share/applications/mimeinfo\\.cache', // update-desktop-database (desktop-file-utils)
    'share/info/dir', // install-info
    'lib/[^/]+/gdk-pixbuf-2\\.0/[^/]+/loaders\\.cache', // gdk-pixbuf-query-loaders
    'lib/[^/]+/gio/modules/giomodule\\.cache', // gio-querymodules
    'lib/[^/]+/gtk-[234]\\.0/[^/]+/immodules\\.cache', // gtk-query-immodules
    'lib/[^/]+/gconv/gconv-modules\\.cache', // iconvconfig (libc6)
    'lib/locale/locale-archive', // locale-gen (locales)
    'share/fonts/.+/fonts\\.(dir|scale)', // mkfontdir, mkfontscale (xfonts-utils)
  ].join('|')})$`,
);

/** Whether `path` is a cache that a trigger writes. Pure. */
export const isTriggerCache = (path: string) => TRIGGER_CACHES.test(path);
