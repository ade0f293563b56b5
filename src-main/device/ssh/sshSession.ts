/**
 * One authenticated SSH connection to a device (ssh2): host key verification before anything is
 * sent, authentication by agent, key files (with passphrase), password or keyboard-interactive,
 * keepalive, and typed errors for every way connecting can fail. Commands run through `exec` as
 * one pre-quoted string; files move through SFTP.
 */
import { readFileSync } from 'node:fs';
import ssh2, { type Client as SshClient, type AnyAuthMethod, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';

// ssh2 is CommonJS; plain Node's ESM loader does not see `utils` as a named export, so take both
// values from the default export (works under Node, tsx and Vitest alike).
const { Client, utils } = ssh2;
import { BitbenchError } from '../../api/index.js';
import type { SecretStore } from '../secrets.js';
import { appendKnownHost, fingerprintSha256, keyTypeOfBlob, loadKnownHosts, verifyHostKey, type HostKeyVerdict } from './knownHosts.js';

/** A HOST_KEY_UNKNOWN / HOST_KEY_CHANGED error that also carries the offered key's fingerprint. */
export class HostKeyError extends BitbenchError {
  constructor(
    code: 'HOST_KEY_UNKNOWN' | 'HOST_KEY_CHANGED',
    message: string,
    hint: string,
    readonly fingerprint: string,
    readonly keyType: string,
  ) {
    super(code, message, hint);
  }
}

export interface SshTarget {
  /** Device name, for messages and secret lookup. */
  device: string;
  hostname: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Allowed methods in order; default: agent then key files. */
  auth?: Array<'agent' | 'key' | 'password' | 'keyboard-interactive'>;
}

export interface SshConnectOptions {
  /** known_hosts files to read (Bitbench's own first, then ~/.ssh/known_hosts). */
  knownHostsFiles: string[];
  /** Bitbench's own known_hosts: where a key trusted on first use is written. */
  trustFile: string;
  /** Accept an unknown host key when its fingerprint equals this (`SHA256:...`). */
  trustFingerprint?: string;
  secrets?: SecretStore;
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Handshake (including TCP connect) timeout. */
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

// ssh2's default order, used to put the key types known_hosts already holds for a host first.
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const;
type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];

function algorithmsFor(knownTypes: string[]): HostKeyAlgorithm[] {
  const preferred = new Set<HostKeyAlgorithm>();
  for (const t of knownTypes) {
    if (t === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => preferred.add(a as HostKeyAlgorithm));
    else if ((HOST_KEY_ALGORITHMS as readonly string[]).includes(t)) preferred.add(t as HostKeyAlgorithm);
  }
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.has(a))];
}

const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** An open connection; `closed` turns true when the link drops or `close()` is called. */
export class SshSession {
  closed = false;
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private sftpChannel: Promise<SFTPWrapper> | null = null;

  constructor(
    readonly client: SshClient,
    readonly target: SshTarget,
    /** SHA256 fingerprint of the verified host key. */
    readonly fingerprint: string,
  ) {
    client.on('close', () => {
      this.closed = true;
      for (const l of this.closeListeners) l();
    });
  }

  /** Calls `listener` once the connection is gone; returns the remover. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private lost(what: string): BitbenchError {
    return new BitbenchError('DEVICE_UNREACHABLE', `The connection to ${this.target.device} was lost during ${what}.`, 'Check the network and the device; running the command again resumes where it stopped.');
  }

  /**
   * Runs one command line (already quoted by the caller with shellCommand/quoteShellArg). Aborting
   * the signal sends KILL to the remote process and closes the channel.
   */
  exec(command: string, options: { signal?: AbortSignal; what?: string; stdin?: string } = {}): Promise<ExecResult> {
    const what = options.what ?? 'a remote command';
    if (this.closed) return Promise.reject(this.lost(what));
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream: ClientChannel) => {
        if (err) return reject(this.closed ? this.lost(what) : new BitbenchError('DEVICE_ERROR', `${this.target.device} refused to run ${what}: ${err.message}`));
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null = null;
        let signal: string | null = null;
        let settled = false;
        const removeClose = this.onClose(() => finish(this.lost(what)));
        const onAbort = (): void => {
          try {
            stream.signal('KILL');
          } catch {
            // The channel may already be gone; closing below is enough then.
          }
          stream.close();
          finish(new BitbenchError('CANCELLED', `${what} on ${this.target.device} was cancelled.`));
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (error?: Error): void => {
          if (settled) return;
          settled = true;
          removeClose();
          options.signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') });
        };
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errOut.push(d));
        stream.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        // A channel also closes when the link drops; the connection's own close may come a tick
        // later, so look again before calling an exit-less close a success.
        stream.on('close', () => setImmediate(() => finish(code === null && signal === null && this.closed ? this.lost(what) : undefined)));
        if (options.stdin !== undefined) stream.end(options.stdin);
        else stream.end();
        if (options.signal?.aborted) onAbort();
      });
    });
  }

  /** The connection's SFTP channel, opened once and reused. */
  sftp(): Promise<SFTPWrapper> {
    if (this.closed) return Promise.reject(this.lost('an upload'));
    this.sftpChannel ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) {
          this.sftpChannel = null;
          reject(new BitbenchError('DEVICE_ERROR', `${this.target.device} has no SFTP: ${err.message}`, 'Enable the sftp subsystem in the device sshd_config.'));
        } else resolve(sftp);
      });
    });
    return this.sftpChannel;
  }

  close(): void {
    this.closed = true;
    this.client.end();
  }
}

async function authMethods(target: SshTarget, options: SshConnectOptions): Promise<{ methods: AnyAuthMethod[]; lockedKeys: string[] }> {
  const order = target.auth ?? ['agent', 'key'];
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  const lockedKeys: string[] = [];
  for (const kind of order) {
    if (kind === 'agent') {
      const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
      if (agent) methods.push({ type: 'agent', username, agent });
    } else if (kind === 'key') {
      const passphrase = await options.secrets?.get(target.device, 'passphrase');
      for (const file of target.identityFiles) {
        let data: Buffer;
        try {
          data = readFileSync(file);
        } catch {
          throw new BitbenchError('AUTH_FAILED', `Cannot read the key file ${file}.`, 'Check the path given with --key.');
        }
        const parsed = utils.parseKey(data, passphrase);
        if (parsed instanceof Error) {
          // An encrypted key without its passphrase is skipped, and named if nothing else works.
          if (/passphrase|encrypted/i.test(parsed.message)) lockedKeys.push(file);
          else throw new BitbenchError('AUTH_FAILED', `The key file ${file} is not a private key ssh2 can read: ${parsed.message}`);
          continue;
        }
        methods.push({ type: 'publickey', username, key: Array.isArray(parsed) ? parsed[0] : parsed });
      }
    } else if (kind === 'password') {
      const password = await options.secrets?.get(target.device, 'password');
      if (password !== undefined) methods.push({ type: 'password', username, password });
    } else if (kind === 'keyboard-interactive') {
      const password = await options.secrets?.get(target.device, 'password');
      if (password !== undefined) {
        methods.push({ type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)) });
      }
    }
  }
  return { methods, lockedKeys };
}

/**
 * Connects and authenticates. Host key first: a changed or revoked key is refused before any
 * authentication is attempted; an unknown key is refused with its fingerprint unless it equals
 * `trustFingerprint`, in which case it is written to Bitbench's known_hosts.
 */
export async function openSshSession(target: SshTarget, options: SshConnectOptions): Promise<SshSession> {
  const entries = loadKnownHosts(options.knownHostsFiles);
  const probeVerdict = verifyHostKey(entries, target.hostname, target.port, Buffer.alloc(0));
  const knownTypes = probeVerdict.status === 'unknown' ? probeVerdict.knownTypes : [];
  const { methods, lockedKeys } = await authMethods(target, options);
  const where = `${target.user}@${target.hostname}:${target.port}`;

  return new Promise((resolve, reject) => {
    const client = new Client();
    let verdict: HostKeyVerdict | null = null;
    let offered: Buffer | null = null;
    let settled = false;
    const fail = (error: BitbenchError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };

    const hostVerifier = (key: Buffer): boolean => {
      offered = key;
      verdict = verifyHostKey(entries, target.hostname, target.port, key);
      if (verdict.status === 'trusted') return true;
      if (verdict.status === 'unknown' && options.trustFingerprint === fingerprintSha256(key)) {
        appendKnownHost(options.trustFile, target.hostname, target.port, key);
        return true;
      }
      return false;
    };

    const queue = [...methods];
    const config: ConnectConfig = {
      host: target.hostname,
      port: target.port,
      username: target.user,
      readyTimeout: options.readyTimeoutMs ?? 15_000,
      keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: algorithmsFor(knownTypes) },
      hostVerifier,
      authHandler: (_left, _partial, next) => {
        const method = queue.shift();
        if (method) next(method);
        else (next as unknown as (m: false) => void)(false);
      },
    };

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      resolve(new SshSession(client, target, fingerprintSha256(offered ?? Buffer.alloc(0))));
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      const v = verdict as HostKeyVerdict | null;
      const key = offered as Buffer | null;
      if (v && key && v.status !== 'trusted' && !(v.status === 'unknown' && options.trustFingerprint === fingerprintSha256(key))) {
        const fp = fingerprintSha256(key);
        const type = keyTypeOfBlob(key);
        if (v.status === 'unknown') {
          const mismatch = options.trustFingerprint ? ` The fingerprint given (${options.trustFingerprint}) does not match.` : '';
          return fail(
            new HostKeyError(
              'HOST_KEY_UNKNOWN',
              `${target.device} (${target.hostname}:${target.port}) is not a known host. Its ${type} key fingerprint is ${fp}.${mismatch}`,
              `Check this fingerprint on the device (ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-|-.*$/g, '')}_key.pub), then re-run with --trust-fingerprint ${fp}.`,
              fp,
              type,
            ),
          );
        }
        return fail(
          new HostKeyError(
            'HOST_KEY_CHANGED',
            v.status === 'revoked'
              ? `${target.device} (${target.hostname}:${target.port}) offered a revoked host key (${fp}). Nothing was sent.`
              : `The host key of ${target.device} (${target.hostname}:${target.port}) has changed: known_hosts (${v.entry.source} line ${v.entry.line}) holds another ${type} key, the server offered ${fp}. Nothing was sent.`,
            'This can mean someone is intercepting the connection, or the device was reinstalled. If you know it was reinstalled, remove the old entry (ssh-keygen -R) and add the device again.',
            fp,
            type,
          ),
        );
      }
      if (err.level === 'client-authentication') {
        const locked = lockedKeys.length ? ` The key ${lockedKeys.join(', ')} is encrypted and no passphrase was given.` : '';
        const tried = methods.map((m) => m.type).join(', ') || 'none available';
        return fail(new BitbenchError('AUTH_FAILED', `${where} refused the login (tried: ${tried}).${locked}`, 'Check the user name and --key, load the key into ssh-agent, or give the password when asked.'));
      }
      if (err.level === 'client-timeout' || (err.code && UNREACHABLE_ERRNO.has(err.code)) || err.level === 'client-socket') {
        return fail(new BitbenchError('DEVICE_UNREACHABLE', `Cannot reach ${target.device} at ${target.hostname}:${target.port}: ${err.code ?? err.message}.`, 'Check that the device is on, on the network, and that sshd listens on that port.'));
      }
      fail(new BitbenchError('DEVICE_ERROR', `SSH to ${target.device} failed: ${err.message}`));
    });
    // A connection closed before 'ready' without an error (e.g. a proxy dropping it).
    client.on('close', () => fail(new BitbenchError('DEVICE_UNREACHABLE', `${target.device} closed the connection during the handshake.`, 'Check that sshd is running on the device.')));
    try {
      client.connect(config);
    } catch (error) {
      fail(new BitbenchError('DEVICE_ERROR', `SSH to ${target.device} failed: ${(error as Error).message}`));
    }
  });
}
