/**
 * Reuses one SSH connection per device: opening a connection costs a key exchange and an
 * authentication (hundreds of ms on a Jetson), so probes, uploads and measurements share it. A
 * dropped connection is forgotten and the next call reconnects.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BitbenchError, type DeviceRecord } from '../../api/index.js';
import type { SecretStore } from '../secrets.js';
import { readUserSshConfig, resolveSshTarget } from './sshConfig.js';
import { openSshSession, type SshSession, type SshTarget } from './sshSession.js';

export interface SshPoolOptions {
  /** Bitbench's own known_hosts (in the home folder); trusted keys are appended here. */
  knownHostsFile: string;
  /** The user's known_hosts, read but never written; default ~/.ssh/known_hosts. */
  userKnownHostsFile?: string;
  /** ~/.ssh/config text; default read from disk. */
  sshConfigText?: string;
  secrets?: SecretStore;
  readyTimeoutMs?: number;
  /** SSH keepalive period; a link silent for 3 periods counts as dropped. */
  keepaliveIntervalMs?: number;
  agentSocket?: string;
}

/** Turns a stored record into the connection target (aliases resolved, user defaulted). */
export function sshTargetOf(record: DeviceRecord, sshConfigText: string): SshTarget {
  if (record.kind !== 'ssh' || !record.host) throw new BitbenchError('BAD_REQUEST', `${record.name} is not an SSH device.`);
  const resolved = resolveSshTarget({ host: record.host, port: record.port, user: record.user, keyFile: record.keyFile }, sshConfigText);
  return {
    device: record.name,
    hostname: resolved.hostname,
    port: resolved.port,
    user: resolved.user ?? process.env.USER ?? 'root',
    identityFiles: resolved.identityFiles.length ? resolved.identityFiles : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f)).filter((f) => existsSyncSafe(f)),
    auth: record.auth,
  };
}

function existsSyncSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export class SshConnectionPool {
  private readonly sessions = new Map<string, Promise<SshSession>>();

  constructor(private readonly options: SshPoolOptions) {}

  /** The live session for a device, connecting (and optionally trusting a fingerprint) if needed. */
  async get(record: DeviceRecord, connect: { trustFingerprint?: string } = {}): Promise<SshSession> {
    const existing = this.sessions.get(record.name);
    if (existing) {
      const session = await existing.catch(() => null);
      if (session && !session.closed) return session;
      this.sessions.delete(record.name);
    }
    const target = sshTargetOf(record, this.options.sshConfigText ?? readUserSshConfig());
    const opening = openSshSession(target, {
      knownHostsFiles: [this.options.knownHostsFile, this.options.userKnownHostsFile ?? join(homedir(), '.ssh', 'known_hosts')],
      trustFile: this.options.knownHostsFile,
      trustFingerprint: connect.trustFingerprint,
      secrets: this.options.secrets,
      readyTimeoutMs: this.options.readyTimeoutMs,
      keepaliveIntervalMs: this.options.keepaliveIntervalMs,
      agentSocket: this.options.agentSocket,
    });
    this.sessions.set(record.name, opening);
    opening.catch(() => this.sessions.delete(record.name));
    const session = await opening;
    session.onClose(() => {
      if (this.sessions.get(record.name) === opening) this.sessions.delete(record.name);
    });
    return session;
  }

  /** Closes and forgets a device's connection. */
  async drop(name: string): Promise<void> {
    const s = this.sessions.get(name);
    this.sessions.delete(name);
    (await s?.catch(() => null))?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((n) => this.drop(n)));
  }
}
