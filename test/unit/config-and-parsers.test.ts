import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEnv, loadConfig } from '../../src/config/index.js';
import { parseConfig } from '../../src/config/file.js';
import { BootcStatusError, parseBootcStatus } from '../../src/probe/bootc.js';
import { parseOsRelease } from '../../src/probe/os-release.js';

describe('usr-guard.conf', () => {
  it('reads mode and paths', () => {
    const r = parseConfig('# c\n[guard]\nmode = overlay\n\n[paths]\nbootc = /opt/bootc\n', 'f.conf');
    expect(r.warnings).toEqual([]);
    expect(r.config).toEqual({
      mode: 'overlay',
      promptTimeout: 60,
      overlayTimeout: 120,
      paths: { bootc: '/opt/bootc', ostree: '/usr/bin/ostree' },
      export: { prometheus: null, ansibleFacts: null },
    });
  });

  it('reads [export]: the files for a fleet', () => {
    const r = parseConfig(
      '[export]\nprometheus = /var/lib/ne/usr_guard.prom\nansible_facts = /etc/ansible/facts.d/usr_guard.fact\n',
      'f.conf',
    );
    expect([r.warnings, r.config.export]).toEqual([
      [],
      { prometheus: '/var/lib/ne/usr_guard.prom', ansibleFacts: '/etc/ansible/facts.d/usr_guard.fact' },
    ]);
  });

  it.each([
    ['[export]\nprometheus = usr_guard.prom\n', 'f.conf:2: prometheus must be an absolute path of a file'],
    ['[export]\nansible_facts = /etc/ansible/facts.d/\n', 'f.conf:2: ansible_facts must be an absolute path of a file'],
    ['[export]\ntextfile = /x\n', 'f.conf:2: unknown key "textfile" in [export]'],
    ['[guard]\nmode = sometimes\n', 'f.conf:2: mode must be one of'],
    ['[guard]\nthis is not ini\n', 'f.conf:2: expected "key = value"'],
    ['mode = refuse\n', 'f.conf:1: "mode" is outside any [section]'],
    ['[gaurd]\nmode = refuse\n', 'f.conf:1: unknown section [gaurd]'],
    ['[guard]\nmood = refuse\n', 'f.conf:2: unknown key "mood"'],
    ['[paths]\nbootc = bootc\n', 'f.conf:2: bootc must be an absolute path'],
    ['[guard]\nprompt_timeout = soon\n', 'f.conf:2: prompt_timeout must be a whole number of seconds, got "soon"'],
  ])('names the file and line of a malformed file, and keeps the defaults: %j', (text, msg) => {
    const r = parseConfig(text, 'f.conf');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(msg);
    expect(r.config.mode).toBe('auto');
  });

  it('names every bad line before "using the defaults", in one warning', () => {
    const r = parseConfig('[guard]\nmode = sometimes\nprompt_timeout = soon\n[gaurd]\nx = 1\n', 'f.conf');
    expect(r.warnings).toEqual([
      'f.conf:2: mode must be one of auto, refuse, prompt, overlay, warn, off, got "sometimes"; f.conf:3: prompt_timeout must be a whole number of seconds, got "soon"; f.conf:4: unknown section [gaurd]; using the defaults',
    ]);
    const many = parseConfig(`[guard]\n${'junk\n'.repeat(8)}`, 'f.conf').warnings[0]!;
    expect(many).toMatch(/^f\.conf:2: .*f\.conf:6: [^;]*; and 3 more bad lines; using the defaults$/);
  });

  it('lets USR_GUARD_MODE override, and ignores a bad one with a warning', () => {
    const base = parseConfig('[guard]\nmode = refuse\n', 'f');
    expect(applyEnv(base, { USR_GUARD_MODE: 'off' }).config.mode).toBe('off');
    const bad = applyEnv(base, { USR_GUARD_MODE: 'nope' });
    expect(bad.config.mode).toBe('refuse');
    expect(bad.warnings[0]).toContain('USR_GUARD_MODE=nope');
  });

  it('ignores a group- or world-writable file when running as root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugconf-'));
    const file = join(dir, 'usr-guard.conf');
    writeFileSync(file, '[guard]\nmode = off\n');
    chmodSync(file, 0o666);
    const r = await loadConfig({ USR_GUARD_CONFIG: file }, true);
    expect(r.config.mode).toBe('auto');
    expect(r.warnings[0]).toContain('must be owned by root and not group- or world-writable');
    chmodSync(file, 0o644);
    expect((await loadConfig({ USR_GUARD_CONFIG: file }, process.getuid?.() === 0)).config.mode).toBe('off');
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so when USR_GUARD_CONFIG names a missing file', async () => {
    expect((await loadConfig({ USR_GUARD_CONFIG: '/nonexistent/x.conf' }, true)).warnings[0]).toContain(
      '/nonexistent/x.conf',
    );
    expect((await loadConfig({ USR_GUARD_CONFIG: '' }, false)).config.mode).toBeDefined();
  });
});

describe('bootc status --format=json', () => {
  const host = (spec: unknown, status: unknown) =>
    JSON.stringify({ apiVersion: 'org.containers.bootc/v1', kind: 'BootcHost', spec, status });
  it('reads a tracked image and its /usr overlay', () => {
    const s = parseBootcStatus(
      host(
        { image: { image: 'quay.io/example/os:latest', transport: 'registry' } },
        { booted: {}, usrOverlay: { accessMode: 'readWrite', persistence: 'transient' } },
      ),
    );
    expect(s).toEqual({
      tracked: true,
      image: 'quay.io/example/os:latest',
      usrOverlay: { accessMode: 'readWrite', persistence: 'transient' },
      usrOverlayKnown: true,
    });
  });
  it("tells bootc 1.14's null usrOverlay (no overlay) from an earlier bootc's silence", () => {
    const said = parseBootcStatus(host({ image: null }, { booted: {}, usrOverlay: null }));
    expect([said.usrOverlay, said.usrOverlayKnown]).toEqual([null, true]);
    const silent = parseBootcStatus(host({ image: null }, { booted: {} }));
    expect([silent.usrOverlay, silent.usrOverlayKnown]).toEqual([null, false]);
  });
  it('reads the null form of a non-bootc system', () => {
    expect(parseBootcStatus(host({ image: null }, { staged: null, booted: null, type: null })).tracked).toBe(false);
  });
  it.each([
    ['not JSON', '{'],
    ['not a BootcHost', '{"kind":"Pod"}'],
    ['an array', '[]'],
  ])('rejects %s clearly', (_w, text) => {
    expect(() => parseBootcStatus(text)).toThrow(BootcStatusError);
  });
});

describe('os-release', () => {
  it('reads quoted and unquoted values', () => {
    expect(
      parseOsRelease('PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\nVERSION_ID="13"\n# c\njunk\n'),
    ).toEqual({
      id: 'debian',
      versionId: '13',
      prettyName: 'Debian GNU/Linux 13 (trixie)',
    });
  });
});
