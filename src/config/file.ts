// Parse usr-guard.conf. Pure. `ini` accepts anything (junk lines are dropped
// silently), so a first pass checks the shape line by line, to name every line
// that is wrong (one fix at a time, a run each, is slow to find them all); ini
// then reads the values.

import ini from 'ini';
import { defaultConfig, type ConfigResult } from './defaults.js';
import { MODES, type Mode } from '../types.js';

const KNOWN: Record<string, readonly string[]> = {
  guard: ['mode', 'prompt_timeout', 'overlay_timeout'],
  paths: ['bootc', 'ostree'],
  export: ['prometheus', 'ansible_facts'],
};

/** What is wrong with one value, or null. */
function checkValue(section: string, key: string, value: string): string | null {
  if (section === 'paths' || section === 'export')
    return value.startsWith('/') && !value.endsWith('/') ? null : `${key} must be an absolute path of a file`;
  if (key === 'mode')
    return (MODES as readonly string[]).includes(value)
      ? null
      : `mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`;
  return /^[1-9]\d{0,5}$/.test(value) ? null : `${key} must be a whole number of seconds, got ${JSON.stringify(value)}`;
}

/** At most this many bad lines are named; the rest are counted. */
const MAX_NAMED = 5;

/** What is wrong with each bad line, "file:line: why", in order. */
function checkShape(text: string, file: string): string[] {
  const problems: string[] = [];
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const where = `${file}:${i + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      if (!Object.hasOwn(KNOWN, section)) problems.push(`${where}: unknown section [${section}]`);
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) problems.push(`${where}: expected "key = value", "[section]" or a comment, got ${JSON.stringify(line)}`);
    else if (section === '') problems.push(`${where}: "${kv[1]}" is outside any [section]`);
    // The keys of an unknown section: that section's line said it.
    else if (!Object.hasOwn(KNOWN, section)) continue;
    else if (!KNOWN[section]!.includes(kv[1]!)) problems.push(`${where}: unknown key "${kv[1]}" in [${section}]`);
    else {
      const problem = checkValue(section, kv[1]!, kv[2]!.trim());
      if (problem) problems.push(`${where}: ${problem}`);
    }
  }
  return problems;
}

export function parseConfig(text: string, file: string): ConfigResult {
  const config = defaultConfig();
  const problems = checkShape(text, file);
  if (problems.length > 0) {
    // One warning, every bad line in it (a few named, the rest counted), then what usr-guard does about it.
    const more = problems.length - MAX_NAMED;
    const named = [
      ...problems.slice(0, MAX_NAMED),
      ...(more > 0 ? [`and ${more} more bad line${more > 1 ? 's' : ''}`] : []),
    ];
    return { config, warnings: [`${named.join('; ')}; using the defaults`] };
  }
  const parsed = ini.parse(text) as {
    guard?: { mode?: string; prompt_timeout?: string; overlay_timeout?: string };
    paths?: { bootc?: string; ostree?: string };
    export?: { prometheus?: string; ansible_facts?: string };
  };
  if (parsed.guard?.mode) config.mode = parsed.guard.mode as Mode;
  if (parsed.guard?.prompt_timeout) config.promptTimeout = Number(parsed.guard.prompt_timeout);
  if (parsed.guard?.overlay_timeout) config.overlayTimeout = Number(parsed.guard.overlay_timeout);
  if (parsed.paths?.bootc) config.paths.bootc = parsed.paths.bootc;
  if (parsed.paths?.ostree) config.paths.ostree = parsed.paths.ostree;
  if (parsed.export?.prometheus) config.export.prometheus = parsed.export.prometheus;
  if (parsed.export?.ansible_facts) config.export.ansibleFacts = parsed.export.ansible_facts;
  return { config, warnings: [] };
}
