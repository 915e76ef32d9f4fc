// The words about a transient or hotfix overlay on /usr that are said outside
// the warning itself: the replay's one line (a later run of the boot), the
// login line (in the summary node writes, and in the login reminder's shell
// script, which install writes it into), and when the overlay's changes go. Pure.

import type { SystemState } from '../types.js';

/** When an overlay's changes go: a hotfix at the next deployment, a transient one at reboot. */
export const whenGone = (hotfix: boolean) => (hotfix ? 'at the next deployment' : 'at reboot');

/** The one line a later run of the boot hears in place of the whole warning (the shim says it from the replay record). */
export function replayLine(s: SystemState): string {
  const hotfix = s.state === 'image-hotfix';
  return `usr-guard: warning: /usr is ${hotfix ? 'a hotfix' : 'a transient'} overlay: this change is discarded ${whenGone(hotfix)}; /etc and /var keep theirs (usr-guard diff lists what the overlay holds).`;
}

/**
 * The login line: that the overlay holds changes, when they go, where to see
 * them. It names no package: later runs of the boot are not seen by node
 * (they replay its verdict in the shell), what the overlay holds now is what
 * `usr-guard diff` computes from the baseline, and no name that root installs
 * (`dpkg -i "x\e[2J\e]0;t\ay.deb"`) reaches every user's login.
 */
export function summaryLine(hotfix: boolean): string {
  return `usr-guard: this boot's overlay on /usr holds changes; they go ${whenGone(hotfix)}. To see them: usr-guard diff (to keep them: usr-guard keep)`;
}

/**
 * The login reminder (hooks/profile.sh) as `usr-guard install` writes it:
 * summaryLine's words, quoted for the shell, in place of its two marks. The
 * line it says on its own (changes made by hand, no hook ran) is then the one
 * node writes in the summary, and the words live here only.
 */
export function loginReminderScript(template: string): string {
  const quoted = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return template
    .replace('@summary_transient@', () => quoted(summaryLine(false)))
    .replace('@summary_hotfix@', () => quoted(summaryLine(true)));
}
