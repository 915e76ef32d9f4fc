// `usr-guard check --caller NAME`: what every hook calls. Probe, decide, act.
// Human text goes to stderr; stdout stays empty unless a caller's protocol needs it.

import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { SNAPSHOT, STALE_NOTE } from '../dpkg-db/paths.js';
import { EXIT } from '../exit-codes.js';
import { notRootLine, refusalLines, refusalSummary, staleDpkgDbLine } from '../messages/index.js';
import { buildInvocation, terminalAvailable } from '../invocation/index.js';
import type { CheckOptions } from '../invocation/options.js';
import { diffNoteFailedLine, snapshotFailedLine, snapshotWaitLine, warningLine } from '../messages/check.js';
import type { Out } from '../output.js';
import { keepPacmanTrue } from '../pacman-db/keep.js';
import { probeSystem } from '../probe/index.js';
import { recordRun } from '../runstate/run-record.js';
import type { RunFacts } from '../runstate/index.js';
import type { Config, Invocation, SystemState, Verdict } from '../types.js';
import { decideWithVariables } from './variables.js';
import { keepReplay } from '../runstate/replay.js';
import { LOCKED, TRANSIENT } from './decide.js';

/**
 * Say no. People read stderr. dnf's callers also get the refusal in one line:
 * the dnf 4 plugin raises what it reads as `stop=<why and the next step>` on
 * stdout, the only text that library clients (Ansible, PackageKit, Cockpit)
 * show; dnf5's action sends it as its `stop` request (dnf5daemon shows it).
 * The hook shim puts the refusal in the system log (a logger started from
 * node would cost a refused run more than all the rest).
 */
async function refuse(message: string[], state: SystemState, inv: Invocation, out: Out): Promise<number> {
  // A user who is not root could not have changed packages anyway: said once, with the refusal.
  out.err(message.length > 0 && process.getuid?.() !== 0 ? [...message, notRootLine(inv)] : message);
  if (inv.caller === 'dnf') out.out(`stop=${refusalSummary(state, inv)}\n`);
  if (inv.caller === 'dnf5') (await import('../invocation/dnf/dnf5-action.js')).stopDnf5(refusalSummary(state, inv));
  return EXIT.REFUSED;
}

/**
 * Before the first change a transient overlay gets in a boot, save dpkg's
 * database, so that the next boot can put it back (usr-guard-restore-dpkg-db).
 * A failure here is said, never fatal: the warning has told the risk.
 */
async function keepDpkgTrue(state: SystemState, inv: Invocation, out: Out): Promise<boolean> {
  if (state.state !== 'image-overlay') return true;
  // The boot unit found that /var's database describes another image: the warning says so too.
  if (inv.manager === 'apt' && existsSync(STALE_NOTE)) {
    const { staleNote } = await import('../dpkg-db/report.js');
    const note = staleNote(STALE_NOTE);
    if (note !== null) out.err([staleDpkgDbLine(note)]);
  }
  // Taken already in this boot (or kept from an earlier one): no need to load the code that takes it.
  if (state.dpkgProtection !== 'snapshot' || existsSync(SNAPSHOT)) return true;
  // dnf's runs leave dpkg's database alone: saved at apt's first change (which node decides: no replay before it).
  if (inv.manager !== 'apt') return false;
  try {
    const { takeSnapshot } = await import('../dpkg-db/snapshot.js');
    const r = takeSnapshot(() => out.err([snapshotWaitLine]));
    if (r.outcome === 'skipped') {
      out.err([warningLine(r.message)]);
      return false;
    }
    return true;
  } catch (e) {
    out.err([snapshotFailedLine((e as Error).message)]);
    return false;
  }
}

/**
 * On an overlay, before each change: keep what `usr-guard diff` and the login
 * reminder need (the baseline at the first change of the boot, the run's
 * packages, the summary line). Said, never fatal.
 */
async function keepTrack(state: SystemState, out: Out, inv?: Invocation): Promise<boolean> {
  // Only root changes packages; another user's run would change nothing to note.
  if (!TRANSIENT.has(state.state) || process.getuid?.() !== 0) return true;
  try {
    const { recordChange } = await import('../diff/record.js');
    out.err((await recordChange(state, inv)).map(warningLine));
    return true;
  } catch (e) {
    out.err([diffNoteFailedLine((e as Error).message)]);
    return false;
  }
}

/**
 * Before a change on an overlay: the databases' snapshots, diff's baseline,
 * and (where the baseline is kept) the record that later runs replay: for the
 * callers whose database is saved (dpkg's at apt's or dpkg's first change,
 * pacman's at pacman's; runstate/replay.ts callersFor).
 */
async function keepAll(
  state: SystemState,
  inv: Invocation,
  v: Verdict,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<void> {
  const dpkg = await keepDpkgTrue(state, inv, out);
  const pacman = await keepPacmanTrue(state, inv, out);
  const tracked = await keepTrack(state, out, inv);
  if (tracked) keepReplay(env.USR_GUARD_REPLAY_KEY, state, inv, v, { dpkg, pacman });
}

/** /usr as the shim's first test sees it (runstate's table): the fast path, an image host's writable /usr, or read-only. */
function usrOf(s: SystemState): RunFacts['usr'] {
  if (s.usr?.readOnly !== false) return 'read-only';
  return s.host.ostreeBooted || s.host.composefs ? 'writable' : 'mutable';
}

export async function checkCommand(
  opts: CheckOptions,
  args: string[],
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const loaded = await loadConfig(env, isRoot);
  out.err(loaded.warnings.map(warningLine));
  const state = probeSystem({ env, bootcPath: loaded.config.paths.bootc });
  const inv = await buildInvocation(opts, args, env, process.ppid, terminalAvailable, usrOf(state));
  // A later run of the boot whose record holds, where the overlay is getting full (runstate's 'room'): only the room check.
  if (inv.roomOnly && TRANSIENT.has(state.state))
    return (await import('./room-probe.js')).roomOnly(
      state,
      inv,
      loaded.config.mode,
      env.USR_GUARD_ROOM_ONLY ?? '',
      out,
    );
  // A dnf refusal on an image host may offer dnf's own --transient.
  if (inv.manager === 'dnf' && inv.changes && LOCKED.has(state.state) && state.state !== 'readonly-usr') {
    const { dnfHasTransient } = await import('../probe/dnf-transient.js');
    inv.transientOption = dnfHasTransient(inv.caller, env, args[0]);
  }
  // The verdict, with what the caller's variables may do to it (and the trail of it).
  const { config, verdict } = await decideWithVariables(state, inv, loaded, env, isRoot, out);
  // Room (issue 29): on an overlay, a change of apt or dpkg that the upper layer cannot hold is refused (check/room-probe.ts).
  const v =
    verdict.verdict === 'warn' && inv.transaction
      ? (await import('./room-probe.js')).withRoom(verdict, state, inv, config.mode)
      : verdict;
  const told = await act(v, state, inv, config, env, out);
  // The other hooks of the run hear what was said: the one that decided, or a backstop that spoke.
  // (Not from another root: the /run there may be the host's, which is not usr-guard's to write from inside.)
  if ((inv.role === 'decide' || v.message.length > 0) && state.host.otherRoot !== true) {
    recordRun(inv.runKey, told === EXIT.REFUSED ? 'refuse' : v.verdict === 'proceed' ? 'proceed' : 'warn');
  }
  return told;
}

async function act(
  v: Verdict,
  state: SystemState,
  inv: Invocation,
  config: Config,
  env: NodeJS.ProcessEnv,
  out: Out,
): Promise<number> {
  switch (v.verdict) {
    case 'proceed':
      // A change that an overlay's later runs may let by in the shell too (mode = off in the configuration).
      // (Nothing is saved for a change let by: pacman's runs may be let by as well.)
      if (inv.changes) keepReplay(env.USR_GUARD_REPLAY_KEY, state, inv, v, { dpkg: true, pacman: true });
      return EXIT.OK;
    case 'warn':
      out.err(v.message);
      await keepAll(state, inv, v, env, out);
      return EXIT.OK;
    case 'refuse':
      return await refuse(v.message, state, inv, out);
    case 'offer': {
      const { offer } = await import('../offer/offer.js');
      const r = await offer(v, inv, config, env, state.host.kind === 'generic' ? 'image-based' : state.host.kind);
      // Declined: the refusal does not make the offer again.
      if (!r.ok) return await refuse(r.declined ? refusalLines(state, inv, true) : r.message, state, inv, out);
      out.err(r.message);
      // Made just now: no key for it (the shell computed one for a writable /usr only).
      await keepDpkgTrue(r.state, inv, out);
      await keepPacmanTrue(r.state, inv, out);
      await keepTrack(r.state, out, inv);
      return EXIT.OK;
    }
  }
}
