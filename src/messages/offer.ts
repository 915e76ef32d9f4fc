// The offer's words (src/offer/): the question, its time-out, and why a
// transient overlay could not be made, as the refusal then says.

/** The question on /dev/tty; `runs`: the command it runs, when the host's tool is known. */
export function offerQuestion(remount: boolean, host: string, runs: string | null): string {
  const what = runs === null ? '' : ` (runs '${runs}')`;
  return remount
    ? `/usr has a read-only transient overlay. Remount it read-write until the next reboot${what}?`
    : `/usr is read-only on this ${host} host. Install into a transient overlay that is discarded at reboot${what}?`;
}

/** The question as the terminal shows it, with its default. */
export const promptText = (question: string) => `${question} [y/N] `;

/** What the terminal is told when nobody answered in time. */
export function timedOutLine(timeoutMs: number): string {
  const s = Math.round(timeoutMs / 1000);
  return `usr-guard: no answer in ${s} second${s === 1 ? '' : 's'}: the question timed out, taken as no.`;
}

/** The refusal's last line when the overlay could not be made. */
export const triedLine = (why: string) => `  usr-guard tried: ${why}.`;

/** The tool ran, and /usr is still not writable. */
export const ranButReadOnly = (tool: string) => `'${tool}' ran, but /usr is still read-only`;

export const NO_MOUNT = 'mount(8) is not installed in /usr/sbin, /usr/bin, /sbin or /bin';

export const noOverlayTool = (bootc: string, ostree: string) =>
  `neither ${bootc} nor ${ostree} is installed: install bootc (or ostree), or set [paths] in usr-guard.conf`;

/** Why the tool failed: its time ran out, it is not there, or its exit code (or signal). */
export function toolFailed(
  tool: string,
  how: { timeoutMs?: number; notFound?: boolean; exit?: string | number },
): string {
  const why =
    how.timeoutMs !== undefined
      ? `timed out after ${how.timeoutMs / 1000} s`
      : how.notFound
        ? 'not found'
        : `exit code ${how.exit}`;
  return `'${tool}' failed (${why})`;
}

/** The new overlay hides the boot's binds of dpkg's lock files, and binding them again failed. */
export const rebindFailed = (why: string) => `could not bind dpkg's lock files again: ${why}`;
