// apt's JSON hook messages, as apt 2.6 and 3.0 write them (private-json-hooks.cc): read, and what the transaction does.
import { describe, expect, it } from 'vitest';
import { helloAnswer, parseHello, parseNotification, transactionOf } from '../../src/invocation/apt/json.js';

const HELLO_26 = '{"jsonrpc":"2.0","method":"org.debian.apt.hooks.hello","id":0,"params":{"versions":["0.1","0.2"]}}';
const HELLO_30 =
  '{"jsonrpc":"2.0","method":"org.debian.apt.hooks.hello","id":0,"params":{"versions":["0.1","0.2"],"options":[{"name":"APT::Get::Simulate","value":"false"},{"name":"DPkg::Options","value":""},{"name":"DPkg::Options::","value":"--force-confold"},{"name":"DPkg::Options::","value":"--root=/img"}]}}';
const note = (packages: object[], command = 'install', terms: string[] = []) =>
  JSON.stringify({
    jsonrpc: '2.0',
    method: 'org.debian.apt.hooks.install.pre-prompt',
    params: { command, 'search-terms': terms, 'unknown-packages': [], packages },
  });
const p = (name: string, mode: string, automatic = false) => ({
  id: 1,
  name,
  architecture: 'amd64',
  mode,
  automatic,
  versions: {},
});

describe('the hello', () => {
  it("apt 2.6's has no options; 3.0's has apt's configuration, lists by their key", () => {
    expect(parseHello(HELLO_26).options).toBeNull();
    const h = parseHello(HELLO_30);
    expect(h.options?.get('apt::get::simulate')).toBe('false');
    expect(h.lists.get('dpkg::options')).toEqual(['--force-confold', '--root=/img']);
  });

  it('is answered with 0.2 where apt offers it', () => {
    expect(helloAnswer(parseHello(HELLO_26))).toBe('{"jsonrpc":"2.0","id":0,"result":{"version":"0.2"}}\n\n');
    expect(helloAnswer(parseHello(HELLO_26.replace(',"0.2"', '')))).toContain('"0.1"');
  });
});

describe('the pre-prompt transaction', () => {
  it('nothing to do is an empty transaction', () => {
    expect(transactionOf(parseNotification(note([], 'install', ['dpkg'])))).toEqual({
      changed: [],
      added: [],
      removed: [],
      purge: false,
      packages: [],
    });
  });

  it('names what was asked for, not what was pulled in', () => {
    const tx = transactionOf(
      parseNotification(
        note([p('ugapp', 'install'), p('ugdep', 'install', true), p('old', 'upgrade')], 'install', ['ugapp']),
      ),
    );
    expect(tx.changed).toEqual(['ugapp', 'ugdep', 'old']);
    expect(tx.added).toEqual(['ugapp', 'old']);
  });

  it('of removals, names the ones asked for (apt removes what depends on them too)', () => {
    const tx = transactionOf(
      parseNotification(note([p('lib', 'purge'), p('tool', 'deinstall')], 'purge', ['lib:amd64'])),
    );
    expect(tx.removed).toEqual(['lib']);
    expect(tx.purge).toBe(true);
  });

  it('keeps no package of a mode it does not know', () => {
    expect(parseNotification(note([p('a', 'keep'), p('b', 'future-mode')])).packages).toEqual([]);
  });
});
