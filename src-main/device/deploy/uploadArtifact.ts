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
import type { SshSession } from '../ssh/sshSession.js';
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

/** Uploads `localPath` as `blobs/<sha256>` unless the device already has it. */
export async function uploadArtifact(session: SshSession, workspace: RemoteWorkspace, localPath: string, what = 'an artifact'): Promise<UploadResult> {
  const sha256 = await sha256File(localPath);
  const { size } = statSync(localPath);
  await workspace.prepare(session);
  const remotePath = workspace.blob(sha256);
  const sftp = await session.sftp();
  if ((await statSize(sftp, remotePath)) === size) return { remotePath, sha256, size, uploadedBytes: 0, resumedFrom: size };

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

  // A file truncated or corrupted on the device must never be renamed into the cache.
  const check = await session.exec(`if command -v sha256sum >/dev/null 2>&1; then sha256sum -- ${shellCommand(part)}; else echo nosha; fi`, { what: 'checking an upload' });
  const remoteSha = check.stdout.trim().split(/\s+/)[0];
  if (remoteSha !== 'nosha' && remoteSha !== sha256) {
    await session.exec(shellCommand('rm', '-f', '--', part));
    throw new BitbenchError('DEVICE_ERROR', `The upload of ${what} to ${session.target.device} arrived corrupted (sha256 ${remoteSha}).`, 'Run the command again; the partial file was removed.');
  }
  const mv = await session.exec(shellCommand('mv', '-f', '--', part, remotePath), { what: 'finishing an upload' });
  if (mv.code !== 0) throw new BitbenchError('DEVICE_ERROR', `Cannot finish the upload on ${session.target.device}: ${mv.stderr.trim()}`);
  return { remotePath, sha256, size, uploadedBytes, resumedFrom };
}
