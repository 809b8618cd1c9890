// Exit statuses: the contract scripts and CI rely on (README, "The stedi command").
export const EXIT = { published: 0, blocked: 1, usage: 2, busy: 75, crash: 70 } as const;

import { OperatorError } from '../errors/operator-error';

/** Errors that are the operator's to fix, thrown by the CLI itself: a message, no stack trace. */
export class UsageError extends OperatorError {}
