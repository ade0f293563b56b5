/**
 * Uploads a file to a device once per content hash, over SFTP, resumably: bytes go to
 * `<sha>.part`, which a later attempt continues from; the finished file is checked (sha256sum when
 * the device has it) and renamed to `<sha>`, so a complete blob's presence alone proves its content.
 * Writes are pipelined for speed; because pipelined writes can land out of order, a resume restarts
 * one window before the partial file's end (rewriting identical bytes is harmless).
 */
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { BitbenchError } from '../../api/index.js';
import { shellCommand } from '../ssh/shellQuote.js';
import type { ExecResult, SshSession } from '../ssh/sshSession.js';
import { sha256File } from './contentHash.js';
import type { RemoteWorkspace } from './remoteWorkspace.js';

const CHUNK = 64 * 1024;
const IN_FLIGHT = 16;
const WINDOW = CHUNK * IN_FLIGHT;

export interface UploadResult {
  remotePath: string;
  sha256: string;
  size: number;
  /** Bytes sent in this call (0 when the device already had the blob). */
  uploadedBytes: number;
  resumedFrom: number;
}

function statSize(sftp: SFTPWrapper, path: string): Promise<number | null> {
  return new Promise((resolve) => sftp.stat(path, (err, st) => resolve(err ? null : st.size)));
}

function call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** Sends bytes [from, size) of the local file to the remote handle, IN_FLIGHT writes at a time. */
async function sendRange(sftp: SFTPWrapper, handle: Buffer, localPath: string, from: number, size: number, onBytes: (n: number) => void, lost: Promise<never>): Promise<void> {
  const file = await open(localPath, 'r');
  try {
    let next = from;
    let failed: Error | null = null;
    const worker = async (): Promise<void> => {
      while (next < size && !failed) {
        const position = next;
        const length = Math.min(CHUNK, size - position);
        next += length;
        const buf = Buffer.allocUnsafe(length);
        await file.read(buf, 0, length, position);
        try {
          await Promise.race([call<void>((cb) => sftp.write(handle, buf, 0, length, position, (err) => cb(err))), lost]);
          onBytes(length);
        } catch (error) {
          failed ??= error as Error;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    if (failed) throw failed;
  } finally {
    await file.close();
  }
}

/** A transfer whose bytes are on the device as `<sha>.part` (or already as `<sha>` when `cached`). */
export interface PendingUpload extends UploadResult {
  cached: boolean;
  what: string;
}

/**
 * Sends the bytes of `localPath` to `blobs/<sha256>.part` over SFTP (nothing when the blob is
 * there). The caller finishes it with `finishUploadsCommand`, so several uploads cost one command.
 */
export async function transferArtifact(session: SshSession, workspace: RemoteWorkspace, localPath: string, what = 'an artifact'): Promise<PendingUpload> {
  const sha256 = await sha256File(localPath);
  const { size } = statSync(localPath);
  await workspace.prepare(session);
  const remotePath = workspace.blob(sha256);
  const sftp = await session.sftp();
  if ((await statSize(sftp, remotePath)) === size) return { remotePath, sha256, size, uploadedBytes: 0, resumedFrom: size, cached: true, what };

  const part = `${remotePath}.part`;
  const partSize = await statSize(sftp, part);
  const resumedFrom = partSize !== null && partSize <= size ? Math.max(0, partSize - WINDOW) : 0;
  let uploadedBytes = 0;
  // SFTP requests in flight when the link dies never call back; the connection's close ends them.
  let removeClose = (): void => undefined;
  const lost = new Promise<never>((_, reject) => {
    removeClose = session.onClose(() => reject(new Error('connection closed')));
  });
  lost.catch(() => undefined);
  try {
    const handle = await Promise.race([call<Buffer>((cb) => sftp.open(part, resumedFrom > 0 ? 'r+' : 'w', cb)), lost]);
    try {
      await sendRange(sftp, handle, localPath, resumedFrom, size, (n) => (uploadedBytes += n), lost);
    } finally {
      if (!session.closed) await call<void>((cb) => sftp.close(handle, (err) => cb(err))).catch(() => undefined);
    }
  } catch (error) {
    if (session.closed) {
      throw new BitbenchError(
        'DEVICE_UNREACHABLE',
        `The connection to ${session.target.device} was lost while uploading ${what} (${resumedFrom + uploadedBytes} of ${size} bytes on the device).`,
        'Run the same command again: the upload resumes where it stopped.',
        { cause: error },
      );
    }
    throw new BitbenchError('DEVICE_ERROR', `Uploading ${what} to ${session.target.device} failed: ${(error as Error).message}`, 'Check free space and permissions in the device work folder.', { cause: error });
  } finally {
    removeClose();
  }
  return { remotePath, sha256, size, uploadedBytes, resumedFrom, cached: false, what };
}

/**
 * Shell lines that check each transferred `.part` against its hash (when the device has
 * sha256sum) and rename it into the cache; a corrupted part is deleted and reported as
 * `@@bitbench:corrupt <sha>`, so it is never renamed into the cache. Exits non-zero on corruption.
 */
export function finishUploadsCommand(uploads: PendingUpload[]): string {
  const lines = uploads
    .filter((u) => !u.cached)
    .map((u) => {
      const part = shellCommand(`${u.remotePath}.part`);
      return `s=$(sha256sum < ${part} 2>/dev/null | cut -d' ' -f1); if [ -n "$s" ] && [ "$s" != ${u.sha256} ]; then rm -f -- ${part}; echo "@@bitbench:corrupt ${u.sha256}"; bad=1; else mv -f -- ${part} ${shellCommand(u.remotePath)} || bad=1; fi`;
    });
  return lines.length ? ['bad=0', ...lines, '[ "$bad" = 0 ]'].join('\n') : 'true';
}

/** Throws DEVICE_ERROR naming the upload that arrived corrupted, if any. */
export function checkFinishedUploads(uploads: PendingUpload[], result: ExecResult, device: string): void {
  const corrupt = /@@bitbench:corrupt (\w+)/.exec(result.stdout);
  if (corrupt) {
    const which = uploads.find((u) => u.sha256 === corrupt[1]);
    throw new BitbenchError('DEVICE_ERROR', `The upload of ${which?.what ?? 'an artifact'} to ${device} arrived corrupted.`, 'Run the command again; the partial file was removed.');
  }
  if (result.code !== 0) throw new BitbenchError('DEVICE_ERROR', `Cannot finish the upload on ${device}: ${result.stderr.trim()}`);
}

/** Uploads `localPath` as `blobs/<sha256>` unless the device already has it (one command at most). */
export async function uploadArtifact(session: SshSession, workspace: RemoteWorkspace, localPath: string, what = 'an artifact'): Promise<UploadResult> {
  const up = await transferArtifact(session, workspace, localPath, what);
  if (!up.cached) checkFinishedUploads([up], await session.exec(finishUploadsCommand([up]), { what: 'finishing an upload' }), session.target.device);
  return { remotePath: up.remotePath, sha256: up.sha256, size: up.size, uploadedBytes: up.uploadedBytes, resumedFrom: up.resumedFrom };
}
