/**
 * Bitbench's folder on a device and what lives in it:
 *   <workDir>/blobs/<sha256>          artifacts by content hash (models, runners, libraries)
 *   <workDir>/blobs/<sha256>.part     an upload in progress, resumed from its size
 *   <workDir>/runs/<run id>/          one measurement's scratch space, removed afterwards
 *   <workDir>/ort/<version>-<arch>/   onnxruntime-node provisioned from blobs
 * Relative work dirs are under the remote home (both exec and SFTP start there).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { shellCommand } from '../ssh/shellQuote.js';
import type { SshSession } from '../ssh/sshSession.js';

export const DEFAULT_WORK_DIR = '.cache/bitbench';

export class RemoteWorkspace {
  private prepared = new WeakSet<SshSession>();

  constructor(readonly workDir: string = DEFAULT_WORK_DIR) {}

  blob(sha256: string): string {
    return posix.join(this.workDir, 'blobs', sha256);
  }

  runDir(runId: string): string {
    return posix.join(this.workDir, 'runs', runId);
  }

  ortDir(version: string, arch: string): string {
    return posix.join(this.workDir, 'ort', `${version}-linux-${arch}`);
  }

  /** A fresh run id; names that reach the device are Bitbench's, never the user's. */
  newRunId(): string {
    return `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;
  }

  /** Creates the folders once per connection. */
  async prepare(session: SshSession): Promise<void> {
    if (this.prepared.has(session)) return;
    const r = await session.exec(shellCommand('mkdir', '-p', '--', posix.join(this.workDir, 'blobs'), posix.join(this.workDir, 'runs'), posix.join(this.workDir, 'ort')), { what: 'creating the work folder' });
    if (r.code !== 0) throw new Error(`cannot create ${this.workDir} on ${session.target.device}: ${r.stderr.trim()}`);
    this.prepared.add(session);
  }
}
