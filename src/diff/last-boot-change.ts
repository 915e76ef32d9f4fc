// At each change node sees on an overlay (src/diff/record.ts, already off the
// hooks' other paths): keep what the overlay holds in /var for the next boot
// (`usr-guard diff --last-boot`), and write the fleet's files the configuration
// asks for. Said, never fatal: the package change goes on whatever happens here.

import { loadConfig } from '../config/index.js';
import { couldNotKeepOverlay, couldNotWriteExport } from '../messages/last-boot.js';
import type { SystemState } from '../types.js';
import { lightDiff } from './last-boot-light.js';
import { noteOverlay } from './last-boot-note.js';

export async function noteChange(state: SystemState, warn: (line: string) => void): Promise<void> {
  const diff = await (async () => {
    try {
      // The cheap diff: this runs before every change node sees (last-boot-light.ts).
      const d = await lightDiff(state);
      if (d !== null) noteOverlay(state, d, 'change');
      return d;
    } catch (e) {
      warn(couldNotKeepOverlay((e as Error).message));
      return null;
    }
  })();
  const { config } = await loadConfig(process.env, true);
  if (config.export.prometheus === null && config.export.ansibleFacts === null) return;
  try {
    // Loaded only where [export] asks for files: it reads the whole diff's modules (16 ms a change here).
    const { collectFacts, writeExports } = await import('../export/collect.js');
    const { failed } = writeExports(config, await collectFacts(state, config, diff));
    for (const f of failed) warn(f);
  } catch (e) {
    warn(couldNotWriteExport((e as Error).message));
  }
}
