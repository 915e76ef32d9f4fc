// apt's marks (/var/lib/apt/extended_states, or the image's copy where dpkg's
// database moved into /usr): which installed packages came with another
// ("Auto-Installed: 1") rather than being asked for. diff's Containerfile
// lines name only what was asked for; the rest comes with it in a build, and
// naming it would mark it as asked for in the image (apt autoremove would
// then keep it for ever).

import { readFileSync } from 'node:fs';
import { IMAGE_MARKS, MARKS } from '../dpkg-db/relocate.js';

/** The packages apt marks as installed automatically, by name and by name:arch. Pure; odd stanzas are skipped. */
export function parseAutoInstalled(text: string): Set<string> {
  const out = new Set<string>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(\\S*)`, 'mi').exec(stanza)?.[1];
    const name = field('Package');
    if (!name || field('Auto-Installed') !== '1') continue;
    out.add(name);
    const arch = field('Architecture');
    if (arch) out.add(`${name}:${arch}`);
  }
  return out;
}

/** What apt installed automatically on this host: empty without apt's marks. */
export function autoInstalled(): Set<string> {
  for (const file of [IMAGE_MARKS, MARKS]) {
    try {
      return parseAutoInstalled(readFileSync(file, 'utf8'));
    } catch {
      // not here
    }
  }
  return new Set();
}
