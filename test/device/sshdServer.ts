/**
 * A real OpenSSH server for the device tests: Debian's /usr/sbin/sshd on 127.0.0.1 and a free port,
 * started with its own config (`-f`), its own generated host key and authorized_keys in a temp dir,
 * in the foreground (`-D -e`). It never touches the system sshd or ~/.ssh.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  dir: string;
  port: number;
  user: string;
  /** The client key authorized on the server (unencrypted). */
  userKey: string;
  /** SHA256 fingerprint of the server's current host key, as ssh-keygen prints it. */
  fingerprint(): string;
  /** sshd's log (stderr, -e) since it was last (re)started. */
  log(): string;
  /** Replaces the host key with a new one and restarts sshd on the same port. */
  regenerateHostKey(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(path: string, passphrase = ''): void {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'bitbench-test', '-f', path]);
}

async function waitForListen(child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (log().includes('Server listening')) return;
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sshd did not start: ${log()}`);
}

/** Starts sshd; call `stop()` in afterAll. */
export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'bitbench-sshd-'));
  // As root, sshd insists on its privilege separation directory (systemd normally creates it).
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755, recursive: true });
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'user_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_ed25519.pub')), { mode: 0o600 });
  const port = await freePort();
  const user = userInfo().username;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AllowUsers ${user}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'MaxStartups 50',
      'MaxSessions 50',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
  let child: ChildProcess;
  let log = '';
  const launch = async (): Promise<void> => {
    log = '';
    child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await waitForListen(child, () => log);
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    dir,
    port,
    user,
    userKey: join(dir, 'user_ed25519'),
    log: () => log,
    fingerprint: () => execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')]).toString().split(' ')[1],
    regenerateHostKey: async () => {
      await halt();
      keygen(join(dir, 'host_ed25519'));
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
