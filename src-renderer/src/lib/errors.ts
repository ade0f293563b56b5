/** Turns anything thrown by an API call into the message and hint the UI shows. */
export interface ShownError {
  message: string;
  hint?: string;
  code?: string;
}

export function toShownError(error: unknown): ShownError {
  const e = error as { message?: string; hint?: string; code?: string } | null;
  return { message: e?.message ?? String(error), hint: e?.hint, code: e?.code };
}
