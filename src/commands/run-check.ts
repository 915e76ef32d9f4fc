// `usr-guard check --caller NAME`: what every hook calls. Probe, decide, act.
// Human text goes to stderr; stdout stays empty unless a caller's protocol needs it.

import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { decide } from '../decide.js';
import { SNAPSHOT, STALE_NOTE } from '../dpkg-db/paths.js';
import { EXIT } from '../exit-codes.js';
import { refusalSummary, staleDpkgDbLine } from '../messages.js';
import { buildInvocation, terminalAvailable, type CheckOptions } from '../invocation/index.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import type { Config, Invocation, SystemState } from '../types.js';

/**
 * Say no. People read stderr. dnf's callers also get the refusal in one line
 * on stdout, `stop=<why and the next step>`: dnf5's actions plugin stops on
 * it, and the dnf 4 plugin raises it, the only text that library clients
 * (Ansible, PackageKit, dnf5daemon) show. The hook shim puts the refusal in
 * the system log (a logger started from node would cost a refused run more
 * than all the rest).
 */
function refuse(message: string[], state: SystemState, inv: Invocation, out: Out): number {
  out.err(message);
  if (inv.manager === 'dnf' && inv.caller !== 'dnf-shim') out.out(`stop=${refusalSummary(state, inv)}\n`);
  return EXIT.REFUSED;
}

/** States where a dnf refusal may offer dnf's own --transient. */
const OFFERS_TRANSIENT = new Set(['image-locked', 'image-overlay-readonly']);

/** mode = off, or USR_GUARD_MODE, let through what the configured mode would not: say so in the trail. */
async function noteBypass(state: SystemState, inv: Invocation, config: Config, env: NodeJS.ProcessEnv): Promise<void> {
  const fromEnv = env.USR_GUARD_MODE !== undefined && env.USR_GUARD_MODE === config.mode;
  if (config.mode !== 'off' && !fromEnv) return;
  const strict = decide(state, inv, { ...config, mode: 'refuse' }).verdict;
  if (strict !== 'refuse') return;
  const { trail } = await import('../act/trail.js');
  await trail(`bypass: mode = ${config.mode}${fromEnv ? ' (USR_GUARD_MODE)' : ''} on a read-only /usr (${state.state})`, inv, 'warning');
}

/**
 * Before the first change a transient overlay gets in a boot, save dpkg's
 * database, so that the next boot can put it back (usr-guard-restore-dpkg-db).
 * A failure here is said, never fatal: the warning has told the risk.
 */
async function keepDpkgTrue(state: SystemState, inv: Invocation, out: Out): Promise<void> {
  if (state.state !== 'image-overlay' || inv.manager !== 'apt') return;
  // The boot unit found that /var's database describes another image: the warning says so too.
  if (existsSync(STALE_NOTE)) {
    const { staleNote } = await import('../dpkg-db/report.js');
    const note = staleNote(STALE_NOTE);
    if (note !== null) out.err([staleDpkgDbLine(note)]);
  }
  // Taken already in this boot (or kept from an earlier one): no need to load the code that takes it.
  if (state.dpkgProtection !== 'snapshot' || existsSync(SNAPSHOT)) return;
  try {
    const { takeSnapshot } = await import('../dpkg-db/snapshot.js');
    const r = takeSnapshot(() => out.err(["usr-guard: another run is saving dpkg's database: waiting for it"]));
    if (r.outcome === 'skipped') out.err([`usr-guard: warning: ${r.message}`]);
  } catch (e) {
    out.err([`usr-guard: warning: could not save dpkg's database: ${(e as Error).message}`]);
  }
}

/**
 * On an overlay, before each change: keep what `usr-guard diff` and the login
 * reminder need (the baseline at the first change of the boot, the run's
 * packages, the summary line). Said, never fatal.
 */
async function keepTrack(state: SystemState, inv: Invocation, out: Out): Promise<void> {
  // Only root changes packages; another user's run would change nothing to note.
  if (!TRACKED.has(state.state) || process.getuid?.() !== 0) return;
  try {
    const { recordChange } = await import('../diff/record.js');
    recordChange(state, inv);
  } catch (e) {
    out.err([`usr-guard: warning: could not note this change for usr-guard diff: ${(e as Error).message}`]);
  }
}

/** States whose overlay `usr-guard diff` compares with the image. */
const TRACKED = new Set(['image-overlay', 'image-hotfix']);

export async function checkCommand(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config, warnings } = await loadConfig(env, isRoot);
  out.err(warnings.map((w) => `usr-guard: warning: ${w}`));
  const inv = buildInvocation(opts, args, env, process.ppid, terminalAvailable);
  const state = probeSystem({ env, bootcPath: config.paths.bootc });
  if (inv.manager === 'dnf' && inv.changes && OFFERS_TRANSIENT.has(state.state)) {
    const { dnfHasTransient } = await import('../probe/dnf-transient.js');
    inv.transientOption = dnfHasTransient(inv.caller, env, args[0]);
  }
  const v = decide(state, inv, config);
  if (v.verdict === 'proceed' || v.verdict === 'warn') await noteBypass(state, inv, config, env);
  switch (v.verdict) {
    case 'proceed':
      return EXIT.OK;
    case 'warn':
      out.err(v.message);
      await keepDpkgTrue(state, inv, out);
      await keepTrack(state, inv, out);
      return EXIT.OK;
    case 'refuse':
      return refuse(v.message, state, inv, out);
    case 'offer': {
      const { offer } = await import('../act/offer.js');
      const r = await offer(v, inv, config, env, state.host.kind === 'generic' ? 'image-based' : state.host.kind);
      if (!r.ok) return refuse(r.message, state, inv, out);
      out.err(r.message);
      await keepDpkgTrue(r.state, inv, out);
      await keepTrack(r.state, inv, out);
      return EXIT.OK;
    }
  }
}
