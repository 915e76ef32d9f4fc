// What apt's JSON hooks, apt-config and dnf5's action hand usr-guard, as
// property tests with fast-check: any input is read or refused with
// usr-guard's own one-line error, never a throw of another kind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from '../../src/invocation/apt/config.js';
import {
  helloAnswer,
  JsonHookError,
  parseHello,
  parseNotification,
  transactionOf,
} from '../../src/invocation/apt/json.js';
import { dnf5Transaction } from '../../src/invocation/dnf/dnf5-action.js';

/** Strings, JSON of any shape, and JSON shaped like apt's messages with odd values. */
const mode = fc.constantFrom('install', 'upgrade', 'downgrade', 'reinstall', 'deinstall', 'purge', 'keep', 'frob', '');
const pkg = fc.record(
  {
    id: fc.nat(),
    name: fc.oneof(fc.string(), fc.integer()),
    mode: fc.oneof(mode, fc.integer()),
    automatic: fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'yes')),
  },
  { requiredKeys: [] },
);
const notification = fc.record(
  {
    jsonrpc: fc.constant('2.0'),
    method: fc.oneof(
      fc.constantFrom('org.debian.apt.hooks.install.pre-prompt', 'org.debian.apt.hooks.install.post'),
      fc.string(),
    ),
    params: fc.record(
      {
        command: fc.oneof(fc.string(), fc.integer()),
        'search-terms': fc.array(fc.oneof(fc.string(), fc.integer())),
        packages: fc.oneof(fc.array(pkg), fc.string()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const hello = fc.record(
  {
    method: fc.oneof(fc.constant('org.debian.apt.hooks.hello'), fc.string()),
    params: fc.record(
      {
        versions: fc.array(fc.oneof(fc.constantFrom('0.1', '0.2'), fc.string())),
        options: fc.oneof(
          fc.array(
            fc.record(
              {
                name: fc.oneof(fc.string(), fc.constantFrom('APT::Get::Simulate', 'DPkg::Options::', 'a::b::')),
                value: fc.oneof(fc.string(), fc.integer()),
              },
              { requiredKeys: [] },
            ),
          ),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const text = (arb: fc.Arbitrary<unknown>) =>
  fc.oneof(
    fc.string(),
    fc.json(),
    arb.map((v) => JSON.stringify(v)),
  );

const readOrRefuse = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JsonHookError);
    expect((e as Error).message).toMatch(/^apt JSON hook: [^\n]*$/);
  }
};

describe("apt's JSON hook messages", () => {
  it('a hello is read, or refused in one line; the answer is a version apt offered, or 0.1', () => {
    fc.assert(
      fc.property(text(hello), (t) =>
        readOrRefuse(() => {
          const h = parseHello(t);
          const answer = JSON.parse(helloAnswer(h).trim()) as { result: { version: string } };
          expect(['0.1', '0.2']).toContain(answer.result.version);
          if (answer.result.version === '0.2') expect(h.versions).toContain('0.2');
        }),
      ),
    );
  });

  it('a notification is read, or refused in one line; its transaction only names its packages', () => {
    fc.assert(
      fc.property(text(notification), (t) =>
        readOrRefuse(() => {
          const n = parseNotification(t);
          const tx = transactionOf(n);
          const names = new Set(n.packages.map((p) => p.name));
          for (const name of [...tx.added, ...tx.removed]) expect(names.has(name)).toBe(true);
          expect(tx.changed.length).toBe(n.packages.length);
        }),
      ),
    );
  });
});

describe('apt-config dump', () => {
  it('any text is read without a throw; a key set twice keeps its last value', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[A-Za-z:]{1,12}$/),
        fc.string().filter((v) => !v.includes('\n')),
        (t, key, v) => {
          parseConfigDump(t);
          const { options } = parseConfigDump(`${key} "first";\n${t}\n${key} "${v.replace(/["\\]/g, '\\$&')}";`);
          expect(options.get(key.toLowerCase())).toBe(v);
        },
      ),
    );
  });
});

describe("dnf5's trans_packages reply", () => {
  it('any JSON is read without a throw; only named packages with a known action come out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const tx = dnf5Transaction(
          typeof v === 'object' && v !== null && !Array.isArray(v)
            ? (v as Record<string, unknown>)
            : { trans_packages: v },
        );
        for (const n of [...tx.incoming, ...tx.erased]) expect(typeof n).toBe('string');
      }),
    );
  });
});
