// Which failures are the user's (exit 1: a clear message, no stack trace) and which are bugs (exit 2).
import { BackpropError, NonFiniteError } from '@backprop/core';
import { ModelFormatError } from '@backprop/layers';
import { CsvError, DivergenceError } from '@backprop/optim';

/** A problem with the command line, the files or the data: the message says what and where. */
export class UserError extends Error {}

/**
 * The library's errors that input alone can cause: a bad CSV, a bad model file, training that
 * diverged, a file that cannot be read or written (save and load wrap the system error as `cause`).
 */
export function isUserError(error: unknown): error is Error {
  if (error instanceof UserError) return true;
  if (
    error instanceof CsvError ||
    error instanceof ModelFormatError ||
    error instanceof DivergenceError ||
    error instanceof NonFiniteError
  ) {
    return true;
  }
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return error instanceof BackpropError && typeof code === 'string';
}

/** A system error (ENOENT, EACCES, …) from reading or writing `file`, as a message for people. */
export function fileError(action: 'read' | 'write', file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? action === 'read'
        ? 'no such file'
        : 'its directory does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (error as Error).message;
  return new UserError(`cannot ${action} ${file}: ${why}`);
}
