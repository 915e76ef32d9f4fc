// The hook shim's fallback (usr-guard gone or failed, /usr read-only) says
// src/messages' words: the refusal headline on stderr, and for dnf's plugin
// and dnf5's action the one-line summary, as node's refusal sends them. The
// function is run alone, as a user who cannot write /usr.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stopRequest } from '../../../src/invocation/dnf/dnf5-action.js';
import { fallbackSummary, refusalHeadline } from '../../../src/messages/index.js';
import type { Caller, PackageManager } from '../../../src/types.js';
import { shimFunction } from '../../helpers/shim.js';
import { invocation } from '../../helpers/states.js';

function fallback(caller: Caller) {
  const script = `usr_guard_drain() { :; }; usr_guard_trail() { :; }; usr_guard_leave() { exit "$1"; }
${shimFunction('usr_guard_fallback')}
usr_guard_caller=${caller}; usr_guard_fallback`;
  // As nobody: /usr is not writable there, whoever runs the test.
  const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const r = spawnSync(asNobody[0] ?? 'sh', [...asNobody.slice(1), ...(asNobody.length ? ['sh'] : []), '-c', script], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the shim's fallback words are messages'", () => {
  it.each([
    ['apt-json', 'apt'],
    ['dpkg', 'apt'],
    ['dnf', 'dnf'],
    ['dnf5', 'dnf'],
    ['dnf-shim', 'dnf'],
    ['pacman', 'pacman'],
  ] as [Caller, PackageManager][])('%s', (caller, manager) => {
    const r = fallback(caller);
    expect(r.code).toBe(10);
    expect(r.stderr).toBe(`${refusalHeadline(invocation({ caller, manager }))}\n`);
    const stdout =
      caller === 'dnf'
        ? `stop=${fallbackSummary(manager)}\n`
        : caller === 'dnf5'
          ? `${JSON.stringify(stopRequest(fallbackSummary(manager)))}\n`
          : '';
    expect(r.stdout).toBe(stdout);
  });
});
