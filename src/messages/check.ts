// What `usr-guard check` says besides its verdict: the snapshot's and diff's
// notes, the configuration's warnings, a variable that was not taken. Pure.

/** A warning of usr-guard's own, in its one form. */
export const warningLine = (what: string) => `usr-guard: warning: ${what}`;

/** Any other line of usr-guard's own, in the same form. */
export const guardLine = (what: string) => `usr-guard: ${what}`;

export const snapshotWaitLine = "usr-guard: another run is saving dpkg's database: waiting for it";
export const snapshotFailedLine = (why: string) => warningLine(`could not save dpkg's database: ${why}`);
export const diffNoteFailedLine = (why: string) => warningLine(`could not note this change for usr-guard diff: ${why}`);

/** USR_GUARD_MODE or USR_GUARD_CONFIG would let a change meet a read-only /usr: not taken. */
export const variableNotTakenLine = (variable: string) =>
  `usr-guard: ${variable} is not taken: /usr is read-only, and no variable lets a change meet it (see usr-guard(8), ENVIRONMENT)`;
