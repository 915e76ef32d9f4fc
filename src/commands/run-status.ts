// `usr-guard status`: probe (and with --deep ask bootc), then print: for a
// person, as JSON, or as a node_exporter textfile (--prometheus); --export
// writes the files the configuration's [export] section names.

import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { runBootcStatus, type DeepResult } from '../probe/bootc.js';
import { overlayDisagreements } from '../probe/bootc-overlay.js';
import { refineWithBootc } from '../probe/classify.js';
import { renderStatus, statusJson } from './status.js';
import { commandStart } from './start.js';
import { guardLine } from '../messages/check.js';
import { NOTHING_TO_EXPORT, notInstalled } from '../messages/status.js';

export async function statusCommand(
  opts: { json: boolean; deep: boolean; prometheus?: boolean; export?: boolean },
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const start = await commandStart(env, isRoot, out, true);
  const { config } = start;
  let { state } = start;
  let deep: DeepResult | null = null;
  if (opts.deep) {
    deep =
      state.host.bootcInstalled || isRoot
        ? await runBootcStatus(config.paths.bootc)
        : { ok: false, error: notInstalled(config.paths.bootc) };
    // Only where the probe saw an image host: bootc speaks for the booted system, not a container.
    if (deep.ok && state.host.imageBased) {
      deep.disagreements = overlayDisagreements(state, deep.status);
      state = refineWithBootc(state, deep.status);
    }
  }
  if (opts.prometheus || opts.export) {
    const { collectFacts, writeExports } = await import('../export/collect.js');
    const facts = await collectFacts(state, config);
    if (opts.prometheus) out.out((await import('../export/facts.js')).prometheusText(facts));
    if (!opts.export) return EXIT.OK;
    if (config.export.prometheus === null && config.export.ansibleFacts === null) {
      out.err([NOTHING_TO_EXPORT]);
      return EXIT.OK;
    }
    const { wrote, failed } = writeExports(config, facts);
    out.err([...wrote, ...failed].map(guardLine));
    return failed.length > 0 ? EXIT.INTERNAL : EXIT.OK;
  }
  const db = state.dpkgDatabase ? (await import('../dpkg-db/report.js')).dpkgDbReport() : null;
  out.out(opts.json ? statusJson(state, config, deep, db) : renderStatus(state, config, deep, db));
  return EXIT.OK;
}
