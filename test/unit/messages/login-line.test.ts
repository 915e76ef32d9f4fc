// The login reminder (hooks/profile.sh) says the overlay's summary line itself
// where no hook left one (changes made by hand). Its words are not in the
// shell file: `usr-guard install` writes in src/messages' summaryLine, one for
// each of the two times the changes go. The integration tests (login-reminder,
// diff-exact) hear the installed script say them at a login.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loginReminderScript, summaryLine } from '../../../src/messages/overlay.js';

const template = readFileSync(new URL('../../../hooks/profile.sh', import.meta.url), 'utf8');
const installed = loginReminderScript(template);

describe("the login reminder's own line", () => {
  it('holds no words of its own, only the two marks, once each', () => {
    const code = template.split('\n').filter((l) => !/^\s*#/.test(l));
    for (const words of ['usr-guard diff', 'at reboot', 'at the next deployment'])
      expect(code.filter((l) => l.includes(words))).toEqual([]);
    expect(template.match(/@summary_transient@/g)).toHaveLength(1);
    expect(template.match(/@summary_hotfix@/g)).toHaveLength(1);
  });

  it('is summaryLine as installed, for a transient overlay and a hotfix, as the shell reads the quoting', () => {
    expect(installed).not.toMatch(/@summary_/);
    // Each assignment, run by dash and bash, sets the line to node's words.
    const assignments = installed
      .split('\n')
      .filter((l) => /usr_guard_line='[^']/.test(l))
      .map((l) => l.replace(/^.*\|\| /, '').trim());
    expect(assignments).toHaveLength(2);
    for (const shell of ['dash', 'bash']) {
      const said = assignments.map(
        (a) => spawnSync(shell, ['-eu', '-c', `${a}; printf '%s' "$usr_guard_line"`], { encoding: 'utf8' }).stdout,
      );
      expect(said).toEqual([summaryLine(false), summaryLine(true)]);
    }
  });

  it('keeps every other line of the script as it is', () => {
    const rest = (s: string) => s.split('\n').filter((l) => !/usr_guard_line='[^']/.test(l) && !/@summary_/.test(l));
    expect(rest(installed)).toEqual(rest(template));
  });
});
