/**
 * Typed errors that a user can cause. Each carries what happened and what to do about it, and
 * crosses the API boundary (IPC, HTTP) as plain data so every front end shows the same message.
 */

/** Stable error codes; the UI and tests switch on these, never on message text. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'INVALID_MODEL'
  | 'UNSUPPORTED_OP'
  | 'SHAPE_MISMATCH'
  | 'INVALID_DATASET'
  | 'LABELS_MISSING'
  | 'INVALID_CONFIG'
  | 'DEVICE_UNREACHABLE'
  | 'HOST_KEY_CHANGED'
  | 'HOST_KEY_UNKNOWN'
  | 'AUTH_FAILED'
  | 'DEVICE_ERROR'
  | 'UNSUPPORTED_PRECISION'
  | 'STORE_ERROR'
  | 'STORE_TOO_NEW'
  | 'STORE_CORRUPT'
  | 'DISK_FULL'
  | 'CANCELLED'
  | 'INTERNAL';

/** The serialized form of an error, as it travels over IPC or HTTP. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** An error a user can act on: `message` says what happened, `hint` what to do. */
export class BitbenchError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BitbenchError';
    this.code = code;
    this.hint = hint;
  }

  toInfo(): ErrorInfo {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }

  /** Rebuilds an error received from the other side of a transport. */
  static fromInfo(info: ErrorInfo): BitbenchError {
    return new BitbenchError(info.code, info.message, info.hint);
  }
}

/** Maps any thrown value to the plain form; unexpected errors become INTERNAL with their message. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof BitbenchError) return error.toInfo();
  const errno = (error as { code?: unknown } | null | undefined)?.code;
  if (errno === 'ENOSPC') {
    return { code: 'DISK_FULL', message: 'The disk is full.', hint: 'Free some space and try again; finished results are kept.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, hint: 'This is a bug in Bitbench; please report it with the steps that led here.' };
}

/** Formats an error for a terminal: message, then the hint on its own line. */
export function formatErrorForTerminal(info: ErrorInfo): string {
  return info.hint ? `error: ${info.message}\n  hint: ${info.hint}` : `error: ${info.message}`;
}
