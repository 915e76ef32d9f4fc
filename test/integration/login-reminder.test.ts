// The login reminder (/etc/profile.d/usr-guard.sh), run by every login shell
// of every user (issue 21, item 3): it cannot fail or print an error, also
// under set -eu; it speaks only when stderr is a terminal (script(1) gives
// one); and no terminal control of a file name reaches it. dash and bash, on
// an overlay host whose hooks left the summary, and one where changes were made
// by hand (no hook ran): there the script says src/messages' summaryLine, which
// install wrote into it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryLine } from '../../src/messages/overlay.js';
import { LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { HOTFIX_IN_BOOT, UNLOCK_IN_BOOT } from '../helpers/boots.js';
import { aptUseRepo } from '../helpers/debs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

const REMINDER =
  "usr-guard: this boot's overlay on /usr holds changes; they go at reboot. To see them: usr-guard diff (to keep them: usr-guard keep)";
const PROFILE = '/etc/profile.d/usr-guard.sh';

// A change on the overlay leaves the summary; a kill (or a full /run) between its files leaves no upperdir.
const SUMMARY_ONLY =
  'apt-get install -y ughello >/dev/null 2>&1 && rm /run/usr-guard/upperdir && useradd -m -s /bin/bash ugu';

/** Each login's output (stdout and stderr), without a terminal or on one, after `setup`. */
function logins(
  setup: string,
  shells: string[],
  terminal: boolean,
  host: Omit<SandboxSpec, 'script' | 'image'> = OVERLAY,
): string[] {
  const run = (cmd: string) =>
    terminal ? `script -qec ${JSON.stringify(cmd)} /dev/null </dev/null` : `${cmd} </dev/null 2>&1`;
  const script = `${aptUseRepo(repo)}\n${setup}\n${shells.map((s) => `echo "@@login:"; ${run(s)}`).join('\n')}`;
  const r = runInSandbox({ ...host, image, script });
  return r.stdout
    .replace(/\r/g, '')
    .split('@@login:')
    .slice(1)
    .map((out) => out.trim());
}

const SHELLS = [
  "dash -l -c 'echo @@alive'",
  "bash -l -c 'echo @@alive'",
  "su - ugu -c 'echo @@alive'",
  `dash -eu -c '. ${PROFILE}; echo @@alive'`,
  `bash -eu -c '. ${PROFILE}; echo @@alive'`,
];

describe('the summary there, its upperdir missing', () => {
  it('without a terminal (su - u -c, bash -l -c, dash -l -c, a set -eu script): not a word, and the shell lives', () => {
    for (const out of logins(SUMMARY_ONLY, SHELLS, false)) expect(out).toBe('@@alive');
  });

  it('on a terminal: the one line, no error, and the shell lives, under set -eu too', () => {
    for (const out of logins(SUMMARY_ONLY, SHELLS, true)) expect(out).toBe(`${REMINDER}\n@@alive`);
  });
});

it('nothing to say (no summary), on a terminal: not a word', () => {
  const outs = logins('rm -rf /run/usr-guard', SHELLS.slice(0, 2), true);
  expect(outs).toEqual(['@@alive', '@@alive']);
});

it('no terminal control of a file name that root installed reaches a login', () => {
  const name = '/root/x\\033[2J\\033]0;t\\007y.deb';
  const setup = `cp ${repo}/ughello_1.0_all.deb "$(printf '${name}')" && dpkg -i "$(printf '${name}')" >/dev/null 2>&1
echo "@@controls=$(tr -d '\\n' </run/usr-guard/summary | LC_ALL=C tr -d '[:print:]' | wc -c)"`;
  const r = runInSandbox({ ...OVERLAY, image, script: `${setup}\nscript -qec 'dash -l -c true' /dev/null </dev/null` });
  expect(r.stdout).toContain('@@controls=0');
  expect(r.stdout).toContain(REMINDER);
  expect(r.stdout).not.toMatch(/[\x07\x1b]/);
});

it("in a chroot with the host's /run bound in, root is not told of the host's changes", () => {
  const chroot = `mkdir -p /mnt/c /var/tmp/c && mount -t tmpfs c /mnt/c && mkdir /mnt/c/u /mnt/c/w
mount -t overlay c -o lowerdir=/,upperdir=/mnt/c/u,workdir=/mnt/c/w /var/tmp/c && mount --bind /usr /var/tmp/c/usr
mount --rbind /dev /var/tmp/c/dev && mount --bind /run /var/tmp/c/run && mount -t proc proc /var/tmp/c/proc`;
  const [host, inside] = logins(
    `${SUMMARY_ONLY}\n${chroot}`,
    ["dash -l -c 'echo @@alive'", "chroot /var/tmp/c dash -l -c 'echo @@alive'"],
    true,
  );
  expect(host).toBe(`${REMINDER}\n@@alive`);
  expect(inside).toBe('@@alive');
});

// An ostree host's overlay made in the sandbox (the reminder reads its upper layer from mountinfo), a file added by
// hand, and nothing in /run/usr-guard: the line is the script's own, the words install put in from src/messages.
describe.each([
  ['a development unlock', false],
  ['a hotfix (no unlock mark)', true],
])('changes made by hand on %s', (_what, hotfix) => {
  it("a login on a terminal hears summaryLine's words, under set -eu too", () => {
    const setup = `${hotfix ? HOTFIX_IN_BOOT : UNLOCK_IN_BOOT}
mkdir -p /usr/local/bin && echo x >/usr/local/bin/mine && rm -rf /run/usr-guard`;
    const outs = logins(setup, [SHELLS[0]!, SHELLS[4]!], true, LOCKED);
    expect(outs).toEqual([`${summaryLine(hotfix)}\n@@alive`, `${summaryLine(hotfix)}\n@@alive`]);
  });
});
