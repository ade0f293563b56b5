// Faults on the link, through a TCP proxy in front of the real sshd: a connection cut mid-upload
// (clear error, then a resumed upload), cut mid-measurement (the run completes after reconnecting
// with exactly the requested samples), a slow link, and cancel (remote runner killed, folder gone).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitbenchError, type ProbeResult } from '../../src-main/api/index.js';
import { LocalDevice } from '../../src-main/device/localDevice.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { SshConnectionPool } from '../../src-main/device/ssh/connectionPool.js';
import { startFaultProxy, type FaultProxy } from './faultProxy.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

let lab: Lab;
let proxy: FaultProxy;
let device: SshDevice;
let probe: ProbeResult;
const scratch = mkdtempSync(join(tmpdir(), 'bitbench-faults-'));

beforeAll(async () => {
  lab = await startLab();
  proxy = await startFaultProxy(lab.sshd.port);
  const record = lab.record({ name: 'flaky', port: proxy.port });
  const pool = lab.pool();
  await pool.get(record, { trustFingerprint: lab.sshd.fingerprint() });
  device = new SshDevice(record, pool);
  probe = await new LocalDevice().probe();
});
afterAll(async () => {
  await proxy?.close();
  await lab?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runner processes started from this test's remote folder. */
function runnersAlive(): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args']).toString();
  return out.split('\n').filter((l) => l.includes(join(lab.remote, 'work')) && l.includes('runner.cjs'));
}

describe('a flaky link', () => {
  it('reports a cut mid-upload clearly, then resumes instead of starting over', async () => {
    const file = join(scratch, 'big.bin');
    const content = randomBytes(12 * 1024 * 1024);
    writeFileSync(file, content);
    proxy.cutAfterBytes(5 * 1024 * 1024);
    let error: unknown;
    try {
      await device.upload(file, 'the test file');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BitbenchError);
    expect((error as BitbenchError).code).toBe('DEVICE_UNREACHABLE');
    expect((error as BitbenchError).message).toMatch(/lost while uploading the test file/);
    expect((error as BitbenchError).hint).toMatch(/resumes/);
    const partial = readdirSync(join(lab.remote, 'work', 'blobs')).filter((f) => f.endsWith('.part'));
    expect(partial).toHaveLength(1);

    const again = await device.upload(file, 'the test file');
    // Resumed one pipelining window (1 MiB) before the end of what had arrived, not from zero.
    expect(again.resumedFrom).toBeGreaterThan(1024 * 1024);
    expect(again.uploadedBytes).toBe(content.length - again.resumedFrom);
    const sha = createHash('sha256').update(content).digest('hex');
    expect(again.remotePath.endsWith(sha)).toBe(true);
    expect(createHash('sha256').update(readFileSync(again.remotePath)).digest('hex')).toBe(sha);
    expect(readdirSync(join(lab.remote, 'work', 'blobs')).filter((f) => f.endsWith('.part'))).toEqual([]);
    // Third time: nothing to send.
    expect((await device.upload(file, 'the test file')).uploadedBytes).toBe(0);
  });

  it('completes a measurement cut mid-run after reconnecting, with no lost or duplicated samples', async () => {
    const t0 = Date.now();
    await measureLatency(device, RESNET20, { probe, runs: 5, warmup: 1 }); // provision first
    console.log(`provisioning through the proxy: ${Date.now() - t0} ms`);
    const runs = 1500;
    const cut = setTimeout(() => proxy.cutAll(), 700);
    const r = await measureLatency(device, RESNET20, { probe, runs, warmup: 2 });
    clearTimeout(cut);
    expect(r.retries).toBe(1);
    expect(r.runs).toBe(runs);
    expect(r.samplesMs).toHaveLength(runs);
    // The interrupted run's folder is removed and its runner killed once the link is back.
    await new Promise((res) => setTimeout(res, 300));
    expect(readdirSync(join(lab.remote, 'work', 'runs'))).toEqual([]);
    expect(runnersAlive()).toEqual([]);
  });

  it('still works over a slow link', async () => {
    await device.reset();
    proxy.setDelay(20);
    const started = Date.now();
    try {
      const state = await device.readState();
      expect(state.load1).not.toBeNull();
    } finally {
      proxy.setDelay(0);
    }
    expect(Date.now() - started).toBeGreaterThan(100);
  });

  it('notices a dead link that never closes, through keepalive', async () => {
    const pool = new SshConnectionPool({ knownHostsFile: join(lab.home, 'known_hosts'), userKnownHostsFile: join(lab.home, 'none'), sshConfigText: '', agentSocket: '', keepaliveIntervalMs: 250 });
    const session = await pool.get(lab.record({ name: 'silent', port: proxy.port }));
    const started = Date.now();
    proxy.blackhole(true);
    try {
      const e = (await session.exec('sleep 20; echo late', { what: 'a long command' }).catch((err: unknown) => err)) as BitbenchError;
      expect(e.code).toBe('DEVICE_UNREACHABLE');
      expect(e.message).toMatch(/lost during a long command/);
    } finally {
      proxy.blackhole(false);
      await pool.closeAll();
    }
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancel kills the remote runner and removes the run folder', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1200);
    let error: unknown;
    try {
      await measureLatency(device, RESNET20, { probe, runs: 100000, warmup: 1, signal: controller.signal });
    } catch (e) {
      error = e;
    }
    expect((error as BitbenchError).code).toBe('CANCELLED');
    await new Promise((res) => setTimeout(res, 300));
    expect(runnersAlive()).toEqual([]);
    expect(readdirSync(join(lab.remote, 'work', 'runs'))).toEqual([]);
  });
});
