/** Cancellation: every long loop calls throwIfAborted between batches. */
import { BitbenchError } from '../../api/errors.js';

/** Throws CANCELLED when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BitbenchError('CANCELLED', 'The evaluation was cancelled.', 'Start it again when needed; finished results are kept.');
}
