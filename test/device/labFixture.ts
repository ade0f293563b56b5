/**
 * Shared setup for the SSH device tests: a real sshd, a Bitbench home with its known_hosts already
 * trusting the server, a remote work folder in a temp dir, and a device record pointing at it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceRecord } from '../../src-main/api/index.js';
import { SshConnectionPool } from '../../src-main/device/ssh/connectionPool.js';
import { startSshd, type TestSshd } from './sshdServer.js';

export const RESNET20 = '/work/shared/models/fmnist_resnet20.onnx';

export interface Lab {
  sshd: TestSshd;
  home: string;
  remote: string;
  record(over?: Partial<DeviceRecord>): DeviceRecord;
  pool(): SshConnectionPool;
  stop(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const sshd = await startSshd();
  const home = mkdtempSync(join(tmpdir(), 'bitbench-home-'));
  const remote = mkdtempSync(join(tmpdir(), 'bitbench-remote-'));
  const pools: SshConnectionPool[] = [];
  const lab: Lab = {
    sshd,
    home,
    remote,
    record: (over = {}) => ({ name: 'lab', kind: 'ssh', host: '127.0.0.1', port: sshd.port, user: sshd.user, keyFile: sshd.userKey, auth: ['key'], workDir: join(remote, 'work'), createdAt: 'now', ...over }),
    pool: () => {
      const p = new SshConnectionPool({ knownHostsFile: join(home, 'known_hosts'), userKnownHostsFile: join(home, 'none'), sshConfigText: '', agentSocket: '', readyTimeoutMs: 5000 });
      pools.push(p);
      return p;
    },
    stop: async () => {
      await Promise.all(pools.map((p) => p.closeAll()));
      await sshd.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(remote, { recursive: true, force: true });
    },
  };
  // Trust the server once, as `device add --trust-fingerprint` would.
  const p = lab.pool();
  await p.get(lab.record(), { trustFingerprint: sshd.fingerprint() });
  await p.closeAll();
  return lab;
}
