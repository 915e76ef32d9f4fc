// /etc/usr-guard/usr-guard.conf: optional ini. parseConfig is pure; loadConfig
// reads the file, checks who may have written it, and never throws.

import { readFileSync, statSync } from 'node:fs';
import ini from 'ini';
import { MODES, type Config, type Mode } from './types.js';

export const DEFAULT_CONFIG_PATH = '/etc/usr-guard/usr-guard.conf';

export function defaultConfig(): Config {
  return { mode: 'auto', paths: { bootc: '/usr/bin/bootc', ostree: '/usr/bin/ostree' } };
}

const KNOWN: Record<string, readonly string[]> = { guard: ['mode'], paths: ['bootc', 'ostree'] };

export interface ConfigResult {
  config: Config;
  /** One line each, already naming the file (and line where there is one). */
  warnings: string[];
}

/**
 * `ini` accepts anything (junk lines are dropped silently), so a first pass
 * checks the shape line by line, to name the line that is wrong.
 */
function checkShape(text: string, file: string): string | null {
  let section = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const where = `${file}:${i + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      if (!(section in KNOWN)) return `${where}: unknown section [${section}]`;
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) return `${where}: expected "key = value", "[section]" or a comment, got ${JSON.stringify(line)}`;
    if (section === '') return `${where}: "${kv[1]}" is outside any [section]`;
    if (!KNOWN[section]!.includes(kv[1]!)) return `${where}: unknown key "${kv[1]}" in [${section}]`;
    const value = kv[2]!.trim();
    if (section === 'guard' && !(MODES as readonly string[]).includes(value)) {
      return `${where}: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(value)}`;
    }
    if (section === 'paths' && !value.startsWith('/')) return `${where}: ${kv[1]} must be an absolute path`;
  }
  return null;
}

export function parseConfig(text: string, file: string): ConfigResult {
  const config = defaultConfig();
  const problem = checkShape(text, file);
  if (problem) return { config, warnings: [`${problem}; using the defaults`] };
  const parsed = ini.parse(text) as { guard?: { mode?: string }; paths?: { bootc?: string; ostree?: string } };
  if (parsed.guard?.mode) config.mode = parsed.guard.mode as Mode;
  if (parsed.paths?.bootc) config.paths.bootc = parsed.paths.bootc;
  if (parsed.paths?.ostree) config.paths.ostree = parsed.paths.ostree;
  return { config, warnings: [] };
}

export function applyEnv(result: ConfigResult, env: NodeJS.ProcessEnv): ConfigResult {
  const m = env.USR_GUARD_MODE;
  if (m === undefined || m === '') return result;
  if (!(MODES as readonly string[]).includes(m)) {
    return { ...result, warnings: [...result.warnings, `USR_GUARD_MODE=${m} is not one of ${MODES.join(', ')}; ignored`] };
  }
  return { config: { ...result.config, mode: m as Mode }, warnings: result.warnings };
}

export function loadConfig(env: NodeJS.ProcessEnv, isRoot: boolean): ConfigResult {
  const file = env.USR_GUARD_CONFIG || DEFAULT_CONFIG_PATH;
  let result: ConfigResult = { config: defaultConfig(), warnings: [] };
  try {
    const st = statSync(file);
    // As root we act on what this file says; only root may have written it.
    if (isRoot && (st.uid !== 0 || (st.mode & 0o022) !== 0)) {
      result.warnings.push(`${file}: ignored, it must be owned by root and not group- or world-writable`);
    } else {
      result = parseConfig(readFileSync(file, 'utf8'), file);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // The file is optional, but a USR_GUARD_CONFIG that points nowhere is worth saying.
    if (code !== 'ENOENT' || env.USR_GUARD_CONFIG) result.warnings.push(`${file}: ${(e as Error).message}; using the defaults`);
  }
  return applyEnv(result, env);
}
