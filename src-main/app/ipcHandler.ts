/**
 * The IPC call handler, kept free of Electron imports so it is tested under plain Node: it accepts
 * calls only from the app's own frame and hands them to the validated dispatcher.
 */
import { dispatchApiCall, type ApiHandlers, type CallResult } from '../api/index.js';

export interface IpcSender {
  /** URL of the frame that sent the message, as Electron reports it. */
  senderFrameUrl: string | undefined;
}

/** True when a frame URL belongs to the app: its packaged file or the dev server it was started with. */
export function isTrustedFrameUrl(url: string | undefined, devServerUrl: string | undefined): boolean {
  if (!url) return false;
  if (url.startsWith('file://')) return true;
  return devServerUrl !== undefined && devServerUrl !== '' && new URL(url).origin === new URL(devServerUrl).origin;
}

export function createIpcCallHandler(handlers: ApiHandlers, devServerUrl: string | undefined) {
  return async (sender: IpcSender, method: unknown, input: unknown): Promise<CallResult> => {
    if (!isTrustedFrameUrl(sender.senderFrameUrl, devServerUrl)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'API calls are accepted from the Bitbench window only.' } };
    }
    return dispatchApiCall(handlers, method, input);
  };
}
