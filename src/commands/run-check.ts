// `usr-guard check --caller NAME`: what every hook calls. Probe, decide, act.
// Human text goes to stderr; stdout stays empty unless a caller's protocol needs it.

import { loadConfig } from '../config.js';
import { decide } from '../decide.js';
import { EXIT } from '../exit-codes.js';
import { buildInvocation, terminalAvailable, type CheckOptions } from '../invocation/index.js';
import { overlayWarningLines } from '../messages.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import type { Config, Invocation, Verdict } from '../types.js';

const PROMPT_TIMEOUT_MS = 60_000;

function question(v: Verdict): string {
  return v.action === 'remount-rw'
    ? '/usr has a read-only transient overlay. Remount it read-write for this boot (runs \'mount -o remount,rw /usr\')?'
    : "/usr is read-only on this image-based host. Install into a transient overlay that is discarded at reboot (runs 'bootc usr-overlay')?";
}

/** Say no. dnf5's actions plugin reads `stop=<message>` on stdout; people read stderr. */
function refuse(message: string[], inv: Invocation, out: Out): number {
  out.err(message);
  if (inv.caller === 'dnf5') out.out(`stop=${message[0]}\n`);
  return EXIT.REFUSED;
}

/** The offer: ask (unless mode = overlay), make /usr writable, and go on only if the probe agrees. */
async function offer(v: Verdict, inv: Invocation, config: Config, env: NodeJS.ProcessEnv, out: Out): Promise<number> {
  if (v.ask) {
    const { askYesNo } = await import('../act/prompt.js');
    if (!(await askYesNo(question(v), PROMPT_TIMEOUT_MS))) return refuse(v.message, inv, out);
  }
  const { makeUsrWritable } = await import('../act/overlay.js');
  const r = await makeUsrWritable(v.action!, config);
  const after = probeSystem({ env, bootcPath: config.paths.bootc });
  if (r.ok && after.usr && !after.usr.readOnly) {
    out.err(overlayWarningLines(after, inv));
    return EXIT.OK;
  }
  return refuse([...v.message, `  usr-guard tried: ${r.ok ? `'${r.tool}' ran, but /usr is still read-only` : r.error}.`], inv, out);
}

export async function checkCommand(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config, warnings } = await loadConfig(env, isRoot);
  out.err(warnings.map((w) => `usr-guard: warning: ${w}`));
  const inv = buildInvocation(opts, args, env, process.ppid, terminalAvailable);
  const state = probeSystem({ env, bootcPath: config.paths.bootc });
  const v = decide(state, inv, config);
  switch (v.verdict) {
    case 'proceed':
      return EXIT.OK;
    case 'warn':
      out.err(v.message);
      return EXIT.OK;
    case 'refuse':
      return refuse(v.message, inv, out);
    case 'offer':
      return offer(v, inv, config, env, out);
  }
}
