// The first code node runs in dist/usr-guard: it finds the program in the
// comment lines below it (see boot/sections.ts) and compiles it, for `check`
// with V8's code cache (see boot/code-cache.ts), then hands over to cli.ts.
// Kept small: everything here is paid on every run.

import { Script } from 'node:vm';
import { cacheKey, cachePath, readCache, writeCache } from './boot/code-cache.js';
import { findSection } from './boot/sections.js';

type Program = (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string, chunk: (id: string) => string) => void;

/** Holds the sections as its body of comments; the build writes it after the boot. */
declare function usrGuardSections(): void;

function damaged(what: string): never {
  process.stderr.write(`usr-guard: internal error: ${__filename} is damaged (${what}); reinstall usr-guard\n`);
  process.exit(1);
}

/** A lazily compiled part's code (the main program asks for it by id). */
function chunkOf(text: string, id: string): string {
  const s = findSection(text, 'chunk', id) ?? damaged(`no part "${id}"`);
  return s.args[0] === 'brotli' ? require('node:zlib').brotliDecompressSync(Buffer.from(s.body, 'base64')).toString() : s.body;
}

function boot(): void {
  if (typeof usrGuardSections !== 'function') damaged('no sections');
  const text = usrGuardSections.toString();
  const hot = findSection(text, 'hot') ?? damaged('no program');
  const [hash = '', line = '0'] = hot.args;
  const key = cacheKey(hash);
  // The hooks' path is the one worth caching; other commands compile as usual.
  const path = process.argv[2] === 'check' ? cachePath(process.env) : undefined;
  const cachedData = path === undefined ? undefined : readCache(path, key);
  const script = new Script(hot.body, { filename: __filename, lineOffset: Number(line), columnOffset: 2, cachedData });
  if (path !== undefined && process.getuid?.() === 0 && (cachedData === undefined || script.cachedDataRejected === true)) {
    // After the run: the cache then holds every function this run compiled, not just the outer one.
    process.once('exit', () => writeCache(path, key, script.createCachedData()));
  }
  const program = script.runInThisContext() as Program;
  program(exports, require, module, __filename, __dirname, (id) => chunkOf(text, id));
}

boot();
