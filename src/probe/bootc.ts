// `bootc status --format=json`: authoritative but slow (root only, takes the
// sysroot lock), so only `usr-guard status --deep` runs it.

import { childEnv } from '../offer/programs.js';
import { loadExeca } from '../lazy-execa.js';
import {
  BOOTC_NOT_HOST,
  BOOTC_NOT_INSTALLED,
  bootcFailed,
  bootcInvalidJson,
  bootcTimedOut,
} from '../messages/probe.js';

export interface BootcStatus {
  /** spec.image is set: bootc tracks an image on this host. */
  tracked: boolean;
  image: string | null;
  usrOverlay: { accessMode: string; persistence: string } | null;
  /** status.usrOverlay is there (null or not): bootc 1.14 and later say it; earlier ones have no such field. */
  usrOverlayKnown: boolean;
}

export class BootcStatusError extends Error {}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What `bootc status --format=json` printed, checked to be a BootcHost (status --deep and keep read it). */
export function bootcHost(text: string): { spec: Record<string, unknown>; status: Record<string, unknown> } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new BootcStatusError(bootcInvalidJson((e as Error).message));
  }
  if (!isObject(doc) || doc.kind !== 'BootcHost' || !isObject(doc.spec) || !isObject(doc.status)) {
    throw new BootcStatusError(BOOTC_NOT_HOST);
  }
  return { spec: doc.spec, status: doc.status };
}

export function parseBootcStatus(text: string): BootcStatus {
  const doc = bootcHost(text);
  const image = isObject(doc.spec.image) && typeof doc.spec.image.image === 'string' ? doc.spec.image.image : null;
  const ov = doc.status.usrOverlay;
  const usrOverlay = isObject(ov) ? { accessMode: String(ov.accessMode), persistence: String(ov.persistence) } : null;
  return {
    tracked: doc.spec.image !== null && doc.spec.image !== undefined,
    image,
    usrOverlay,
    usrOverlayKnown: Object.hasOwn(doc.status, 'usrOverlay'),
  };
}

/** disagreements: where bootc's usrOverlay and usr-guard's own probe differ (status-bootc.ts). */
export type DeepResult = { ok: true; status: BootcStatus; disagreements?: string[] } | { ok: false; error: string };

export async function runBootcStatus(bootc: string, timeoutMs = 10_000): Promise<DeepResult> {
  const { execa } = await loadExeca();
  const r = await execa(bootc, ['status', '--format=json'], {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    env: childEnv(),
    extendEnv: false,
  });
  if (r.failed) {
    const why = r.timedOut
      ? bootcTimedOut(timeoutMs)
      : r.code === 'ENOENT'
        ? BOOTC_NOT_INSTALLED
        : (r.stderr.trim().split('\n').pop() ?? r.shortMessage);
    return { ok: false, error: bootcFailed(bootc, why) };
  }
  try {
    return { ok: true, status: parseBootcStatus(r.stdout) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
