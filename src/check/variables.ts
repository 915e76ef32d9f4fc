// What the caller's variables may do to a check. The hooks run as root with
// the caller's environment (a sloppy sudoers, `su` without `-`, a script's
// exports), so: no variable lets a change meet a read-only /usr, and every
// relaxation a variable makes is in the trail. Where USR_GUARD_MODE (or the
// file USR_GUARD_CONFIG names) would let a change meet a read-only /usr (off,
// warn), the configuration without those variables applies instead: dpkg and
// dnf could only fail there, half-way. Other tools' variables relax nothing:
// TRANSACTIONAL_UPDATE and the caller's container= are read as claims, and the
// probe decides on evidence (src/probe/classify.ts, src/probe/container.ts).
// mode = off or warn in the configuration file is the administrator's own
// choice: it applies, and goes to the trail on a read-only /usr.

import { loadConfig, type ConfigResult } from '../config/index.js';
import { decide, meetsReadOnly } from './decide.js';
import { variableNotTakenLine, warningLine } from '../messages/check.js';
import type { Out } from '../output.js';
import type { Config, Invocation, SystemState, Verdict, VerdictKind } from '../types.js';

const STRENGTH: Record<VerdictKind, number> = { proceed: 0, warn: 1, offer: 2, refuse: 2 };

async function trail(event: string, inv: Invocation): Promise<void> {
  const { trail: log } = await import('../offer/trail.js');
  await log(event, inv, 'warning');
}

/** The configuration and verdict this check goes by, once the variables have had their (limited) say. */
export async function decideWithVariables(
  state: SystemState,
  inv: Invocation,
  loaded: ConfigResult,
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<{ config: Config; verdict: Verdict }> {
  let config = loaded.config;
  let verdict = decide(state, inv, config);
  if (verdict.verdict !== 'proceed' && verdict.verdict !== 'warn') return { config, verdict };
  // Would this let a change meet a read-only /usr (where usr-guard's strictest mode refuses)?
  const pastReadOnly = meetsReadOnly(state, inv);
  // A hook of this run spoke before (runstate/run-record.ts): it said so, and put it in the trail.
  const toldBefore = inv.said !== null;
  if (pastReadOnly && loaded.variable) {
    if (!toldBefore) {
      out.err([variableNotTakenLine(loaded.variable)]);
      await trail(`ignored ${loaded.variable} on a read-only /usr (${state.state})`, inv);
    }
    const own = await loadConfig({ ...env, USR_GUARD_MODE: undefined, USR_GUARD_CONFIG: undefined }, isRoot);
    if (env.USR_GUARD_CONFIG && !toldBefore) out.err(own.warnings.map(warningLine));
    config = own.config;
    verdict = decide(state, inv, config);
    if ((verdict.verdict === 'proceed' || verdict.verdict === 'warn') && !toldBefore)
      await trail(`bypass: mode = ${config.mode} on a read-only /usr (${state.state})`, inv);
    return { config, verdict };
  }
  if (toldBefore) return { config, verdict };
  if (pastReadOnly) {
    await trail(`bypass: mode = ${config.mode} on a read-only /usr (${state.state})`, inv);
  } else if (
    loaded.variable &&
    STRENGTH[verdict.verdict] < STRENGTH[decide(state, inv, { ...config, mode: 'auto' }).verdict]
  ) {
    // Where /usr is writable a variable may still quiet usr-guard (mode = off: no overlay warning); it is said.
    await trail(
      `bypass: mode = ${config.mode} (${loaded.variable}) on ${state.state}: ${verdict.verdict === 'warn' ? 'a warning only' : 'nothing said'}`,
      inv,
    );
  }
  return { config, verdict };
}
