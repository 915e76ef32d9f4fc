// Parse os-release(5): KEY=value lines, values optionally quoted with shell escapes.

export interface OsRelease {
  id: string | null;
  versionId: string | null;
  prettyName: string | null;
}

export function parseOsRelease(text: string): OsRelease {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue; // comments, blanks and junk are ignored, as systemd does
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\`$])/g, '$1');
    }
    vars.set(m[1]!, value);
  }
  return {
    id: vars.get('ID') ?? null,
    versionId: vars.get('VERSION_ID') ?? null,
    prettyName: vars.get('PRETTY_NAME') ?? null,
  };
}
