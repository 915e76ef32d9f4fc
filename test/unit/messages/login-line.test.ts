// The login reminder (hooks/profile.sh) says the overlay's summary line itself
// where no hook left one (changes made by hand): its words are src/messages'
// summaryLine, for each of the two times the changes go.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summaryLine, whenGone } from '../../../src/messages/overlay.js';

const profile = readFileSync(new URL('../../../hooks/profile.sh', import.meta.url), 'utf8');

describe("the login reminder's own line", () => {
  it('is summaryLine, whenGone put in', () => {
    const m = /usr_guard_line="([^"]*)"/.exec(profile);
    expect(m).not.toBeNull();
    for (const hotfix of [false, true])
      expect(m![1]!.replace('$usr_guard_when', whenGone(hotfix))).toBe(summaryLine(hotfix));
  });
  it('names the two times as whenGone does', () => {
    expect(profile).toContain(`usr_guard_when='${whenGone(true)}'`);
    expect(profile).toContain(`usr_guard_when='${whenGone(false)}'`);
  });
});
