// Bundle src/cli.ts into one file, dist/usr-guard, that runs on Node >= 18
// with no node_modules beside it.
//
// Every apt and dpkg run on an image host starts this file, so what the
// hooks' path (`check`) does not need is kept out of the code node compiles at
// start: `status`, `install`, help, the config parser (with ini), the prompt,
// the overlay and execa are bundled on their own, compressed, and embedded as
// strings that are compiled on first use (measured with `npm run bench`: a
// few ms of a 45 ms start, where the target is 15 %). Hook files and man pages are
// embedded as text (`?raw` imports, which Vite understands in the tests too).
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', minify: true, legalComments: 'none', logLevel: 'warning' };

/** Modules (by path) and packages (by name) that become lazily compiled chunks; all are imported dynamically. */
const LAZY_FILES = [/src\/commands\/run-(status|install|overlay|restore)\.ts$/, /src\/dpkg-db\/snapshot\.ts$/, /src\/config-file\.ts$/, /src\/act\/(offer|trail)\.ts$/, /src\/help\.ts$/];
const LAZY_PACKAGES = /^execa$/;

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text', resolveDir: dirname(args.path) }));
  },
};

/** Bundle one entry (a file, or a package name): its code, compressed (base64) when that saves much. */
async function chunk(entry) {
  const stdin = { contents: `module.exports = require(${JSON.stringify(entry)});`, resolveDir: process.cwd(), loader: 'js' };
  // execa stays outside the other chunks: they share the one copy (see stub).
  const plugins = LAZY_PACKAGES.test(entry) ? [rawText] : [rawText, sharedExeca];
  const out = await build({ ...common, stdin, write: false, outfile: 'chunk.js', plugins });
  const code = out.outputFiles[0].contents;
  // Small chunks stay plain: loading zlib to unpack them would cost more than it saves.
  return code.length > 8192 ? { packed: brotliCompressSync(code).toString('base64') } : { plain: out.outputFiles[0].text };
}

/** Inside a chunk, execa is whatever the main bundle hands over as __shared. */
const sharedExeca = {
  name: 'shared-execa',
  setup(b) {
    b.onResolve({ filter: LAZY_PACKAGES }, (args) => ({ path: args.path, namespace: 'shared' }));
    b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({ contents: `module.exports = __shared(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * A CommonJS stand-in that compiles the chunk when it is first required. A
 * chunk gets execa through __shared: the main bundle's one execa chunk.
 */
const stub = ({ packed, plain }, isPackage) => `
  const code = ${plain !== undefined ? JSON.stringify(plain) : `require('node:zlib').brotliDecompressSync(Buffer.from(${JSON.stringify(packed)}, 'base64')).toString()`};
  const shared = ${isPackage ? 'undefined' : "() => require('execa')"};
  new Function('module', 'exports', 'require', '__shared', code)(module, exports, require, shared);`;

function lazy() {
  return {
    name: 'lazy-chunks',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.lazyInner || args.kind === 'entry-point') return undefined;
        const isPackage = LAZY_PACKAGES.test(args.path);
        let path = args.path;
        if (!isPackage) {
          if (!args.path.startsWith('.')) return undefined;
          const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { lazyInner: true } });
          path = r.path;
          if (!LAZY_FILES.some((re) => re.test(path))) return undefined;
        }
        return { path, namespace: 'lazy' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (args) => ({
        contents: stub(await chunk(args.path), LAZY_PACKAGES.test(args.path)),
        loader: 'js',
        resolveDir: process.cwd(),
      }));
    },
  };
}

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/usr-guard',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [rawText, lazy()],
});
chmodSync('dist/usr-guard', 0o755);
