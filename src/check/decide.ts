// The decision: one pure function of (state, invocation, config) → verdict.
// This file is the spec; test/unit/decide.test.ts is the same table as data.
//
// A package-manager run hears one message: the hook that decides speaks; the
// backstops (the other hooks of the run) only refuse, where /usr is still
// read-only, and speak only where no hook of the run has refused (the one
// that decides was walked around, or judged wrong). What a hook of the run
// said before comes in the invocation (`said`).

import {
  notOfferedLines,
  overlayWarningLines,
  readOnlyWarningLines,
  refusalLines,
  unknownWarningLines,
} from '../messages/index.js';
import type { Config, Invocation, StateName, SystemState, Verdict } from '../types.js';

const PROCEED: Verdict = { verdict: 'proceed', message: [] };

/** States where a changing command on / would hit a read-only /usr (the only place they are named). */
export const LOCKED: ReadonlySet<StateName> = new Set(['image-locked', 'image-overlay-readonly', 'readonly-usr']);
/** States where /usr is writable but will not keep what is written: warned, replayed, tracked for diff. */
export const TRANSIENT: ReadonlySet<StateName> = new Set(['image-overlay', 'image-hotfix']);

/**
 * apt's hooks that run before the admin's own DPkg::Pre-Invoke lines may have.
 * A host that is not image-based may keep /usr read-only and remount it in one
 * of those (apt's own recipe, configure-index: `mount -o remount,rw /usr`), in
 * any order with usr-guard's. So there the judge is Pre-Install-Pkgs and dpkg's
 * pre-invoke, which run after every DPkg::Pre-Invoke: later (after the download),
 * but never before the admin's remount.
 */
const BEFORE_ADMIN_HOOKS: ReadonlySet<Invocation['caller']> = new Set(['apt-json', 'apt']);

/** What usr-guard could do to make /usr writable, if anything. */
function remedy(s: SystemState): Verdict['action'] | null {
  if (s.state === 'image-locked' && s.host.imageBased) return 'usr-overlay';
  if (s.state === 'image-overlay-readonly') return 'remount-rw';
  return null;
}

/** Would this run's change meet a read-only /usr (where the strictest mode refuses)? What check/variables.ts asks. */
export function meetsReadOnly(s: SystemState, inv: Invocation): boolean {
  if (!inv.changes || inv.root !== '/' || !LOCKED.has(s.state)) return false;
  return !(s.state === 'readonly-usr' && BEFORE_ADMIN_HOOKS.has(inv.caller));
}

/** Said once per run: what this run was told already is not said again, and a declined offer is not made twice. */
export function decide(s: SystemState, inv: Invocation, config: Config): Verdict {
  const v = judge(s, inv, config);
  if (inv.said === null) return v;
  if (v.verdict === inv.said || (v.verdict === 'offer' && inv.said === 'refuse'))
    return { verdict: v.verdict === 'offer' ? 'refuse' : v.verdict, message: [] };
  return v;
}

function judge(s: SystemState, inv: Invocation, config: Config): Verdict {
  // Nothing to guard: switched off, a command that changes nothing, or another root.
  if (config.mode === 'off' || !inv.changes || inv.root !== '/') return PROCEED;

  if (s.state === 'mutable-host' || s.state === 'container') return PROCEED;

  if (TRANSIENT.has(s.state)) {
    // One warning per package-manager run: later hooks of the same run stay quiet.
    return inv.role === 'decide' ? { verdict: 'warn', message: overlayWarningLines(s, inv) } : PROCEED;
  }

  if (meetsReadOnly(s, inv)) {
    const refuse: Verdict = { verdict: 'refuse', message: refusalLines(s, inv) };
    // mode = warn lets it through: a backstop only says so where nobody has.
    if (config.mode === 'warn')
      return inv.role === 'decide' || inv.said === null
        ? { verdict: 'warn', message: readOnlyWarningLines(s, inv) }
        : PROCEED;
    const action = remedy(s);
    // A backstop never asks: if /usr is still locked there, the first hook was bypassed.
    if (action === null || inv.role === 'backstop' || config.mode === 'refuse') return refuse;
    if (config.mode === 'overlay') return { verdict: 'offer', message: refuse.message, ask: false, action };
    // auto and prompt: ask a person at a terminal; nobody there means no, and the refusal says why.
    return inv.interactive
      ? { verdict: 'offer', message: refuse.message, ask: true, action }
      : { ...refuse, message: [...refuse.message, ...notOfferedLines(s, inv)] };
  }

  if (LOCKED.has(s.state)) return PROCEED; // readonly-usr, before the admin's own hooks
  // unknown: refuse only on positive evidence; say that we could not tell.
  return inv.role === 'decide' ? { verdict: 'warn', message: unknownWarningLines(s) } : PROCEED;
}
