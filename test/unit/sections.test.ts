import { describe, expect, it } from 'vitest';
import { encodeSection, findSection } from '../../src/boot/sections.js';

// A file laid out as the build writes it: boot code, then sections.
const boot = '#!/usr/bin/env node\nconst mark = "//@usr-guard "; // the boot names the marker, mid-line\n';
const program = '(function () {\n  return `a\n//@usr-guard hot not-a-header\n*/ ok`;\n})';
const file = [
  boot,
  'function usrGuardSections() {\n',
  encodeSection(['hot', '4'], program),
  encodeSection(['chunk', 'ab'], 'two'),
  encodeSection(['chunk', 'a'], 'one'),
  '//@usr-guard end\n}\n',
].join('');

describe('program sections (the layout of dist/usr-guard)', () => {
  it('gives back each section exactly, with its header words', () => {
    expect(findSection(file, 'hot')).toEqual({ args: ['4'], body: program });
    expect(findSection(file, 'chunk', 'ab')).toMatchObject({ args: [], body: 'two' });
    // "chunk a" is not the start of "chunk ab".
    expect(findSection(file, 'chunk', 'a')).toMatchObject({ args: [], body: 'one' });
  });

  it('is a comment to JavaScript, even where the code holds */ or a header-like line, and toString gives it back', () => {
    const usrGuardSections = new Function(
      `${file.slice(file.indexOf('\n') + 1)}; return usrGuardSections;`,
    )() as () => void;
    expect(findSection(usrGuardSections.toString(), 'hot')?.body).toBe(program);
  });

  it('says undefined for what is not there, or has no end', () => {
    expect(findSection(file, 'chunk', 'zz')).toBeUndefined();
    expect(findSection(file.slice(0, file.indexOf('//@usr-guard chunk ab')), 'hot')).toBeUndefined();
    expect(findSection('', 'hot')).toBeUndefined();
  });

  it('refuses what a comment line cannot hold', () => {
    expect(() => encodeSection(['hot', 'x'], 'caf\u00e9')).toThrow(/printable ASCII/);
    expect(() => encodeSection(['hot', 'x'], 'a\rb')).toThrow(/printable ASCII/);
  });
});
