// What keep needs of `bootc status --format=json`: the booted image and its
// digest (the recipe is FROM it, and names the digest), and the image the
// host follows (spec.image: what `keep --undo` goes back to). Pure parsing;
// the command runs bootc.

import { bootcHost, isObject } from '../probe/bootc.js';

export interface ImageRef {
  image: string;
  /** registry, containers-storage, oci, oci-archive, dir (bootc's names). */
  transport: string;
}

export interface KeepBootc {
  /** The image the host follows (bootc upgrade pulls it), or null when it follows none. */
  followed: ImageRef | null;
  /** The booted image and its digest. */
  booted: (ImageRef & { digest: string }) | null;
}

function ref(v: unknown): ImageRef | null {
  if (!isObject(v) || typeof v.image !== 'string' || v.image === '') return null;
  return {
    image: v.image,
    transport: typeof v.transport === 'string' && v.transport !== '' ? v.transport : 'registry',
  };
}

/** bootc status --format=json, read for keep; throws a BootcStatusError saying what is wrong with it. */
export function parseKeepStatus(text: string): KeepBootc {
  const doc = bootcHost(text);
  const booted = isObject(doc.status.booted) ? doc.status.booted.image : null;
  const bootedRef = isObject(booted) ? ref(booted.image) : null;
  const digest = isObject(booted) && typeof booted.imageDigest === 'string' ? booted.imageDigest : '';
  return {
    followed: ref(doc.spec.image),
    booted: bootedRef && /^sha256:[0-9a-f]{64}$/.test(digest) ? { ...bootedRef, digest } : null,
  };
}

/** The image as a transport-qualified reference podman or buildah pulls (registry -> docker://). */
export function pullRef(r: ImageRef): string {
  return r.transport === 'registry' ? `docker://${r.image}` : `${r.transport}:${r.image}`;
}

/** Where `bootc image copy-to-storage` puts the booted image by default. */
export const COPIED_BASE = 'localhost/bootc';
/** The kept images' name: localhost/usr-guard-keep:N. */
export const KEPT_IMAGE = 'localhost/usr-guard-keep';
