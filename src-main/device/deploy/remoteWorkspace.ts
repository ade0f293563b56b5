/**
 * Bitbench's folder on a device and what lives in it:
 *   <workDir>/blobs/<sha256>          artifacts by content hash (models, runners, libraries)
 *   <workDir>/blobs/<sha256>.part     an upload in progress, resumed from its size
 *   <workDir>/runs/<run id>/          one measurement's scratch space, removed afterwards
 *   <workDir>/ort/<version>-<arch>/   onnxruntime-node provisioned from blobs
 *   <workDir>/engines/                TensorRT engines built on the device, kept
 * Relative work dirs are under the remote home (both exec and SFTP start there).
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { BitbenchError } from '../../api/index.js';
import { shellCommand } from '../ssh/shellQuote.js';
import type { SshSession } from '../ssh/sshSession.js';

export const DEFAULT_WORK_DIR = '.cache/bitbench';

export class RemoteWorkspace {
  private prepared = new WeakSet<SshSession>();
  /** The work folder as an absolute path on the device, known after `prepare`. */
  private root: string | null = null;

  constructor(readonly workDir: string = DEFAULT_WORK_DIR) {}

  private get base(): string {
    if (!this.root) throw new Error('RemoteWorkspace.prepare() must run first');
    return this.root;
  }

  blob(sha256: string): string {
    return posix.join(this.base, 'blobs', sha256);
  }

  runDir(runId: string): string {
    return posix.join(this.base, 'runs', runId);
  }

  /** TensorRT engines, kept by model hash, precision and TensorRT version. */
  engineDir(): string {
    return posix.join(this.base, 'engines');
  }

  ortDir(version: string, arch: string): string {
    return posix.join(this.base, 'ort', `${version}-linux-${arch}`);
  }

  /** A fresh run id; names that reach the device are Bitbench's, never the user's. */
  newRunId(): string {
    return `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;
  }

  /** Creates the folders once per connection. */
  async prepare(session: SshSession): Promise<void> {
    if (this.prepared.has(session)) return;
    const dirs = ['blobs', 'runs', 'ort'].map((d) => posix.join(this.workDir, d));
    const r = await session.exec(`${shellCommand('mkdir', '-p', '--', ...dirs)} && cd -- ${shellCommand(this.workDir)} && pwd`, { what: 'creating the work folder' });
    if (r.code !== 0) {
      throw new BitbenchError('DEVICE_ERROR', `Cannot create the work folder ${this.workDir} on ${session.target.device}: ${r.stderr.trim()}`, 'Check the permissions, or set another work folder for the device.');
    }
    this.root = r.stdout.trim();
    this.prepared.add(session);
  }
}
