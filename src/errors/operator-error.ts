// Errors that end a `stedi` command with a one-line message instead of a stack trace; the class says
// the exit status (README, "The stedi command"). Thrown by the modules that detect them, told apart by
// the CLI without loading those modules.

/** A mistake the operator fixes (a path, an option, a file of theirs): exit 2. */
export class OperatorError extends Error {}

/** Another process holds the lake (a run, a reader of its catalog): exit 75, try again later. */
export class BusyError extends Error {}
