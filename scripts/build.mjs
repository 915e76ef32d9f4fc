// Bundle src/cli.ts into one file, dist/usr-guard, that runs on Node >= 18
// with no node_modules beside it.
//
// An apt or dnf run on an image host starts this file once, so node should
// compile as little of it as it can. The file is a small boot (src/boot.ts)
// followed by comment lines (layout in src/boot/sections.ts): the program,
// which the boot compiles, and the parts the hooks' path never needs
// (`status`, `install`, help, the config parser with ini, the prompt, the
// overlay, execa), compiled on first use. Measured with `npm run bench`. Hook
// files and man pages are embedded as text (`?raw` imports, which Vite
// understands in the tests too).
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** The section writer the boot's reader is tested against: one implementation, in TypeScript. */
async function loadTs(entry) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].contents).toString('base64')}`);
}
const { encodeSection, MARK, TRAILER } = await loadTs('src/boot/sections.ts');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Modules (by path) and packages (by name) that become lazily compiled chunks; all are imported dynamically. */
const LAZY_FILES = [
  /src\/commands\/run-(status|install|overlay|restore|restore-pacman|diff|last-boot|drop|keep|dpkg-db)\.ts$/,
  /src\/(dpkg|pacman)-db\/snapshot\.ts$/,
  /src\/config\/file\.ts$/,
  /src\/offer\/(offer|trail)\.ts$/,
  /src\/help\.ts$/,
  /src\/probe\/dnf-transient\.ts$/,
  /src\/diff\/record\.ts$/,
  /src\/diff\/package-store\.ts$/,
  /src\/invocation\/dnf\/conf-root\.ts$/,
  /src\/check\/room-probe\.ts$/,
];
const LAZY_PACKAGES = /^execa$/;

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -4)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
      resolveDir: dirname(args.path),
    }));
  },
};

/** Bundle one entry (a file, or a package name) as a section of its own. */
const chunks = [];
async function chunk(entry, id) {
  const stdin = {
    contents: `module.exports = require(${JSON.stringify(entry)});`,
    resolveDir: process.cwd(),
    loader: 'js',
  };
  // execa stays outside the other chunks: they share the one copy (see stub).
  const plugins = LAZY_PACKAGES.test(entry) ? [rawText] : [rawText, sharedExeca];
  const out = await build({ ...common, stdin, write: false, outfile: 'chunk.js', plugins });
  const section = encodeSection(['chunk', id], out.outputFiles[0].text.trimEnd());
  chunks.push(section);
}

/** Inside a chunk, execa is whatever the main bundle hands over as __shared. */
const sharedExeca = {
  name: 'shared-execa',
  setup(b) {
    b.onResolve({ filter: LAZY_PACKAGES }, (args) => ({ path: args.path, namespace: 'shared' }));
    b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({
      contents: `module.exports = __shared(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * A CommonJS stand-in that compiles the chunk when it is first required: the
 * boot hands over its code (__chunk, see src/boot.ts). A chunk gets execa
 * through __shared: the main bundle's one execa chunk.
 */
const stub = (id, isPackage) => `
  const shared = ${isPackage ? 'undefined' : "() => require('execa')"};
  new Function('module', 'exports', 'require', '__shared', __chunk(${JSON.stringify(id)}))(module, exports, require, shared);`;

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
          const r = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            pluginData: { lazyInner: true },
          });
          path = r.path;
          if (!LAZY_FILES.some((re) => re.test(path))) return undefined;
        }
        return { path, namespace: 'lazy' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (args) => {
        const isPackage = LAZY_PACKAGES.test(args.path);
        const id = isPackage ? args.path : relative(process.cwd(), args.path);
        await chunk(args.path, id);
        return { contents: stub(id, isPackage), loader: 'js', resolveDir: process.cwd() };
      });
    },
  };
}

// The program, as a function the boot calls with CommonJS's arguments and
// __chunk (a function declaration: the boot above it can call it). The code
// that compiles a lazy part runs in new Function, where import() cannot run.
const main = await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  write: false,
  outfile: 'main.js',
  plugins: [rawText, lazy()],
});
const program = `function usrGuardProgram(exports, require, module, __filename, __dirname, __chunk) {${main.outputFiles[0].text}}\n`;
if (/\bimport\(/.test(program) || chunks.some((c) => /\bimport\(/.test(c)))
  throw new Error('build: import() cannot run in a lazily compiled part; use a static import there');
chunks.sort(); // a stable order, for a stable file
const boot = await build({ ...common, entryPoints: ['src/boot.ts'], write: false, outfile: 'boot.js' });
// The lazy parts go inside a function the boot reads back with toString (see src/boot/sections.ts).
// The last line says the file is whole: the hook shim runs the program only then (hooks/usr-guard-hook).
const file = [
  `#!/usr/bin/env node\n${boot.outputFiles[0].text}`,
  program,
  'function usrGuardSections() {\n',
  ...chunks,
  `${MARK}end\n}\n`,
  TRAILER,
].join('');
// Only the section headers may start a line with the marker, or the boot would misread the file.
if (file.split(`\n${MARK}`).length - 1 !== chunks.length + 1)
  throw new Error('build: a line outside the section headers starts with //@usr-guard');
mkdirSync('dist', { recursive: true });
writeFileSync('dist/usr-guard', file);
chmodSync('dist/usr-guard', 0o755);
