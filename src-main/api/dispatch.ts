/**
 * Validated dispatch of one API call: checks the method name and the input against the contract,
 * runs the handler, and checks the output too, so a bug on the main side cannot leak malformed data
 * into a UI. Transports (IPC, HTTP) call this and nothing else.
 */
import { apiMethods, isApiMethodName, type ApiHandlers } from './contract.js';
import { BitbenchError, toErrorInfo, type ErrorInfo } from './errors.js';

export type CallResult = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

/** Runs one untrusted call against the handlers; never throws. */
export async function dispatchApiCall(handlers: ApiHandlers, method: unknown, input: unknown): Promise<CallResult> {
  try {
    if (!isApiMethodName(method)) {
      throw new BitbenchError('UNKNOWN_METHOD', `Unknown API method ${JSON.stringify(method)}.`, 'Update the UI and the app to the same version.');
    }
    const spec = apiMethods[method];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
      throw new BitbenchError('BAD_REQUEST', `Invalid input for ${method}: ${detail}.`, 'Check the values sent with this request.');
    }
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const output = await handler(parsed.data);
    return { ok: true, result: spec.output.parse(output) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
