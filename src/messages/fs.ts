// The words of a file operation that failed (src/fs/): a command says them as
// its error, so they name the path and the cause in a few words. Pure.

/** The causes said in words of their own; any other is the system's message. */
export const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** `verb`: what was tried ("write", "make the folder", "copy the snapshot to"). */
export const cannotDo = (verb: string, path: string, why: string) => `cannot ${verb} ${path}: ${why}`;

export const somethingInPlace = (dir: string) => `cannot make the folder ${dir}: something else is in its place`;

/** A path under another root (--root) that its links or ".." lead out of, or round. */
export const leadsOut = (path: string, root: string) => `${path} leads out of ${root} (through "..")`;

export const tooManyLinks = (path: string) => `${path}: too many levels of links`;
