// V8's code cache for `check` (src/boot/code-cache.ts): written by root on the
// first run, used after, never trusted from anyone else, and never a reason to
// answer differently.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST, runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

const CACHE = '/var/cache/usr-guard/check.v8';
const CHECK = `node ${DIST} check --caller cli --`;
// Owner, mode and inode of the cache (a new inode: it was written again), or "none".
const STAT = `stat -c '%u %a %i' ${CACHE} 2>/dev/null || echo none`;

/** Run `check` after `setup`, twice, and say what the cache looked like around each run. */
function twice(spec: Omit<SandboxSpec, 'script'>, setup = '') {
  const script = `${setup}
s0=$(${STAT}); ${CHECK} 2>/tmp/e1; r1=$?; s1=$(${STAT}); ${CHECK} 2>/tmp/e2; r2=$?; s2=$(${STAT})
echo "$s0|$r1|$s1|$r2|$s2"; head -c 21 ${CACHE} 2>/dev/null; echo; cmp -s /tmp/e1 /tmp/e2 && echo same-output; cat /tmp/e1`;
  const r = runInSandbox({ ...spec, script });
  const [before, rc1, after1, rc2, after2] = r.stdout.split('\n')[0]!.split('|');
  return { before, rc1: Number(rc1), after1, rc2: Number(rc2), after2, out: r.stdout, stderr: r.stderr };
}

describe('the code cache', () => {
  it('root writes it on the first check and uses it on the next: root-owned, 0644, not rewritten', () => {
    const r = twice({ usr: 'writable' });
    expect(r.before).toBe('none');
    expect(r.after1).toMatch(/^0 644 \d+$/);
    expect(r.after2).toBe(r.after1);
    expect([r.rc1, r.rc2]).toEqual([0, 0]);
    expect(r.out).toContain('usr-guard-code-cache');
  });

  it('a refusal is the same with and without it', () => {
    const r = twice({ usr: 'host-ro-bind', ostreeBooted: true });
    expect([r.rc1, r.rc2]).toEqual([10, 10]);
    expect(r.out).toContain('same-output');
    expect(r.out).toContain('error: read-only /usr detected, refusing to operate.');
  });

  it.each([
    ['writable by others', `head -c 64 /dev/urandom > ${CACHE}; chmod 666 ${CACHE}`],
    ['owned by another user', `head -c 64 /dev/urandom > ${CACHE}; chown 65534 ${CACHE}`],
    ['damaged', `{ head -c 128 ${CACHE}.good; head -c 40000 /dev/urandom; } > ${CACHE}`],
    ['made for another build', `sed '1s/ 1 [0-9a-f]* / 1 0123456789abcdef /' ${CACHE}.good > ${CACHE}`],
  ])('one %s is ignored and replaced', (_, plant) => {
    const setup = `${CHECK} 2>/dev/null; mv ${CACHE} ${CACHE}.good; ${plant}`;
    const r = twice({ usr: 'writable' }, setup);
    expect(r.rc1).toBe(0);
    expect(r.after1).toMatch(/^0 644 \d+$/);
    expect(r.after1).not.toBe(r.before);
    expect(r.after2).toBe(r.after1);
  });

  it('in a folder others can write, it is never trusted: every run compiles afresh', () => {
    const r = twice({ usr: 'writable' }, `${CHECK} 2>/dev/null; chmod 777 /var/cache/usr-guard`);
    expect([r.rc1, r.rc2]).toEqual([0, 0]);
    expect(r.after1).not.toBe(r.before);
    expect(r.after2).not.toBe(r.after1);
  });

  it('other users and other commands never write it; USR_GUARD_CACHE_DIR moves or disables it', () => {
    const script = `
setpriv --reuid=65534 --regid=65534 --clear-groups ${CHECK}; echo "nobody=$? $(${STAT})"
node ${DIST} status >/dev/null; echo "status=$? $(${STAT})"
USR_GUARD_CACHE_DIR= ${CHECK}; echo "off=$? $(${STAT})"
USR_GUARD_CACHE_DIR=/tmp/c ${CHECK}; echo "moved=$? $(stat -c %a /tmp/c/check.v8)"`;
    const r = runInSandbox({ usr: 'writable', script });
    expect(r.stdout).toBe('nobody=0 none\nstatus=0 none\noff=0 none\nmoved=0 644\n');
  });
});

describe('a damaged program file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ug-damaged-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says so in one line and exits 1 (the hook shim then falls back), no stack trace', () => {
    const prog = join(dir, 'usr-guard');
    copyFileSync(DIST, prog);
    const text = readFileSync(prog, 'latin1');
    // The program's section renamed away (a file cut short is a syntax error, which node reports itself).
    writeFileSync(prog, text.replace('\n//@usr-guard hot ', '\n//@usr-guard gone '), 'latin1');
    const r = spawnSync('node', [prog, 'check', '--caller', 'cli', '--'], { encoding: 'utf8', env: { PATH: process.env.PATH!, USR_GUARD_CACHE_DIR: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`usr-guard: internal error: ${prog} is damaged (no program); reinstall usr-guard\n`);
  });
});
