// /etc/usr-guard/usr-guard.conf: optional ini. loadConfig reads the file,
// checks who may have written it, and never throws. The parser (file.ts,
// with ini) is loaded only when there is a file: most hosts have none.

import { readFileSync, statSync } from 'node:fs';
import { defaultConfig, type ConfigResult } from './defaults.js';
import { MODES, type Mode } from '../types.js';

export { defaultConfig, type ConfigResult } from './defaults.js';

export const DEFAULT_CONFIG_PATH = '/etc/usr-guard/usr-guard.conf';

export function applyEnv(result: ConfigResult, env: NodeJS.ProcessEnv): ConfigResult {
  const m = env.USR_GUARD_MODE;
  if (m === undefined || m === '') return result;
  if (!(MODES as readonly string[]).includes(m)) {
    return {
      ...result,
      warnings: [...result.warnings, `USR_GUARD_MODE=${m} is not one of ${MODES.join(', ')}; ignored`],
    };
  }
  return { config: { ...result.config, mode: m as Mode }, warnings: result.warnings, variable: `USR_GUARD_MODE=${m}` };
}

function onlyCommentsAndHeaders(text: string): boolean {
  return text.split('\n').every((line) => {
    const t = line.trim();
    return t === '' || t.startsWith('#') || t.startsWith(';') || /^\[(guard|paths|export)\]$/.test(t);
  });
}

/** Why a file could not be read, in a few words: node's "ENOENT: no such file or directory, stat '/x'" without its code and call. */
function readProblem(e: unknown, code: string | undefined): string {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'there is no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  const message = (e as Error)?.message ?? String(e);
  return message.replace(/^E[A-Z]+: /, '').replace(/, [a-z]+ '.*'$/, '');
}

export async function loadConfig(env: NodeJS.ProcessEnv, isRoot: boolean): Promise<ConfigResult> {
  const file = env.USR_GUARD_CONFIG || DEFAULT_CONFIG_PATH;
  let result: ConfigResult = { config: defaultConfig(), warnings: [] };
  try {
    const st = statSync(file);
    // A FIFO or a device would hang or flood every package-manager run.
    if (!st.isFile() || st.size > 65536) {
      result.warnings.push(`${file}: ignored, it is not a regular file of at most 64 KiB`);
    } else if (isRoot && (st.uid !== 0 || (st.mode & 0o022) !== 0)) {
      // As root we act on what this file says; only root may have written it.
      result.warnings.push(`${file}: ignored, it must be owned by root and not group- or world-writable`);
    } else {
      const text = readFileSync(file, 'utf8');
      // The installed file is all comments and section headers until someone
      // sets a key: then, and only then, load the parser.
      if (!onlyCommentsAndHeaders(text)) {
        const { parseConfig } = await import('./file.js');
        result = parseConfig(text, file);
        if (env.USR_GUARD_CONFIG && result.warnings.length === 0) result.variable = `USR_GUARD_CONFIG=${file}`;
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // The file is optional, but a USR_GUARD_CONFIG that points nowhere is worth saying.
    if (code !== 'ENOENT' || env.USR_GUARD_CONFIG) {
      const named = env.USR_GUARD_CONFIG ? ' (named by USR_GUARD_CONFIG)' : '';
      result.warnings.push(`cannot read ${file}${named}: ${readProblem(e, code)}; using the defaults`);
    }
  }
  return applyEnv(result, env);
}
