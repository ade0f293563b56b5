// Connecting to a real OpenSSH server: trust on first use, changed host keys, authentication
// failures and unreachable ports, each with its typed error.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitbenchError, type DeviceRecord } from '../../src-main/api/index.js';
import { SshConnectionPool } from '../../src-main/device/ssh/connectionPool.js';
import { HostKeyError } from '../../src-main/device/ssh/sshSession.js';
import { MemorySecretStore } from '../../src-main/device/secrets.js';
import { freePort, startSshd, type TestSshd } from './sshdServer.js';

let sshd: TestSshd;
let home: string;
beforeAll(async () => {
  sshd = await startSshd();
  home = mkdtempSync(join(tmpdir(), 'bitbench-home-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
});

function pool(extra: Partial<ConstructorParameters<typeof SshConnectionPool>[0]> = {}): SshConnectionPool {
  return new SshConnectionPool({ knownHostsFile: join(home, 'known_hosts'), userKnownHostsFile: join(home, 'user_known_hosts'), sshConfigText: '', agentSocket: '', readyTimeoutMs: 5000, ...extra });
}
const record = (over: Partial<DeviceRecord> = {}): DeviceRecord => ({ name: 'lab', kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: sshd.user, keyFile: sshd.userKey, auth: ['key'], createdAt: 'now', ...over });

async function codeOf(p: Promise<unknown>): Promise<BitbenchError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BitbenchError);
    return e as BitbenchError;
  }
  throw new Error('expected a failure');
}

describe('SSH connection to a real sshd', () => {
  it('refuses an unknown host with its fingerprint, then trusts it on first use', async () => {
    rmSync(join(home, 'known_hosts'), { force: true });
    const p = pool();
    const e = await codeOf(p.get(record()));
    expect(e.code).toBe('HOST_KEY_UNKNOWN');
    expect((e as HostKeyError).fingerprint).toBe(sshd.fingerprint());
    expect(e.message).toContain(sshd.fingerprint());
    expect(e.hint).toContain(`--trust-fingerprint ${sshd.fingerprint()}`);

    const wrong = await codeOf(p.get(record(), { trustFingerprint: 'SHA256:AAAA' }));
    expect(wrong.code).toBe('HOST_KEY_UNKNOWN');

    const s = await p.get(record(), { trustFingerprint: sshd.fingerprint() });
    expect((await s.exec('echo ok')).stdout).toBe('ok\n');
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${sshd.port} ssh-ed25519 `);
    // Reuse: the pool hands back the same connection.
    expect(await p.get(record())).toBe(s);
    await p.closeAll();
    // Known now: a fresh pool connects without any fingerprint.
    const again = pool();
    expect((await (await again.get(record())).exec('echo again')).stdout).toBe('again\n');
    await again.closeAll();
  });

  it('trusts hosts from the user known_hosts, hashed entries included', async () => {
    rmSync(join(home, 'known_hosts'), { force: true });
    const pub = readFileSync(join(sshd.dir, 'host_ed25519.pub'), 'utf8').split(' ');
    const userKh = join(home, 'user_known_hosts');
    writeFileSync(userKh, `[127.0.0.1]:${sshd.port} ${pub[0]} ${pub[1]}\n`);
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-H', '-f', userKh], { stdio: 'ignore' });
    expect(readFileSync(userKh, 'utf8').startsWith('|1|')).toBe(true);
    const p = pool();
    expect((await (await p.get(record())).exec('echo hashed')).stdout).toBe('hashed\n');
    await p.closeAll();
    rmSync(userKh);
  });

  it('rejects a wrong key and a wrong password with AUTH_FAILED', async () => {
    const p = pool();
    await p.get(record(), { trustFingerprint: sshd.fingerprint() }).then((s) => s.close());
    const otherKey = join(home, 'other_key');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    expect((await codeOf(pool().get(record({ name: 'k', keyFile: otherKey })))).code).toBe('AUTH_FAILED');

    const secrets = new MemorySecretStore();
    await secrets.set('pw', 'password', 'certainly-not-the-password');
    const e = await codeOf(pool({ secrets }).get(record({ name: 'pw', keyFile: undefined, auth: ['password', 'keyboard-interactive'] })));
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toMatch(/tried: password, keyboard-interactive/);

    // An encrypted key without its passphrase is named in the message.
    const locked = join(home, 'locked_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret phrase', '-f', locked]);
    const l = await codeOf(pool().get(record({ name: 'locked', keyFile: locked })));
    expect(l.code).toBe('AUTH_FAILED');
    expect(l.message).toContain('encrypted and no passphrase');
  });

  it('logs in through a real ssh-agent, and with an encrypted key whose passphrase is in the secret store', async () => {
    const { execFileSync, spawn } = await import('node:child_process');
    await pool().get(record(), { trustFingerprint: sshd.fingerprint() }).then((s) => s.close());
    const sock = join(home, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', [sshd.userKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const viaAgent = pool({ agentSocket: sock });
      const s = await viaAgent.get(record({ name: 'agent', keyFile: undefined, auth: ['agent'] }));
      expect((await s.exec('echo agent')).stdout).toBe('agent\n');
      await viaAgent.closeAll();
    } finally {
      agent.kill();
    }

    const locked = join(home, 'locked_ok');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', "pass phrase 'q'", '-f', locked]);
    appendFileSync(join(sshd.dir, 'authorized_keys'), readFileSync(`${locked}.pub`));
    const secrets = new MemorySecretStore();
    await secrets.set('locked-ok', 'passphrase', "pass phrase 'q'");
    const withSecret = pool({ secrets });
    const s2 = await withSecret.get(record({ name: 'locked-ok', keyFile: locked }));
    expect((await s2.exec('echo unlocked')).stdout).toBe('unlocked\n');
    await withSecret.closeAll();
  });

  it('resolves ~/.ssh/config aliases (HostName, Port, User, IdentityFile)', async () => {
    const config = `Host lab-alias\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.userKey}\n`;
    const p = pool({ sshConfigText: config });
    const s = await p.get({ name: 'alias', kind: 'ssh', host: 'lab-alias', auth: ['key'], createdAt: 'now' }, { trustFingerprint: sshd.fingerprint() });
    expect(s.target).toMatchObject({ hostname: '127.0.0.1', port: sshd.port, user: sshd.user, identityFiles: [sshd.userKey] });
    expect((await s.exec('echo via-alias')).stdout).toBe('via-alias\n');
    await p.closeAll();
  });

  it('reports an unreachable port quickly', async () => {
    const port = await freePort();
    const started = Date.now();
    const e = await codeOf(pool().get(record({ name: 'gone', port })));
    expect(e.code).toBe('DEVICE_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a changed host key before sending anything', async () => {
    const p = pool();
    await p.get(record(), { trustFingerprint: sshd.fingerprint() }).then((s) => s.close());
    const old = sshd.fingerprint();
    await sshd.regenerateHostKey();
    expect(sshd.fingerprint()).not.toBe(old);
    const logBefore = readFileSync(join(home, 'known_hosts'), 'utf8');
    const e = await codeOf(pool().get(record()));
    // sshd saw a connection closed before any authentication request: nothing was sent.
    await new Promise((r) => setTimeout(r, 200));
    expect(sshd.log()).toMatch(/Disconnected from 127\.0\.0\.1 port \d+ \[preauth\]/);
    expect(sshd.log()).not.toMatch(/Accepted|Failed|publickey|password/i);
    expect(e.code).toBe('HOST_KEY_CHANGED');
    expect(e.message).toContain(sshd.fingerprint());
    expect(e.message).toContain('Nothing was sent');
    // Even a matching --trust-fingerprint never overrides a changed key.
    expect((await codeOf(pool().get(record(), { trustFingerprint: sshd.fingerprint() }))).code).toBe('HOST_KEY_CHANGED');
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toBe(logBefore);
  });
});
