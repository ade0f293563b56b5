// Several devices: measurements queue per device and run on different devices at the same time.
// Timestamps come from the device's own clock (same machine here), read right before and after
// each run inside the measuring command.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasureResult } from '../../src-main/api/index.js';
import { DeviceLab } from '../../src-main/device/deviceLab.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

let lab: Lab;
let devices: DeviceLab;
beforeAll(async () => {
  lab = await startLab();
  devices = new DeviceLab({ home: lab.home, userKnownHostsFile: join(lab.home, 'none'), sshConfigText: '', agentSocket: '', readyTimeoutMs: 5000 });
  const common = { host: '127.0.0.1', port: lab.sshd.port, user: lab.sshd.user, keyFile: lab.sshd.userKey, auth: ['key' as const] };
  // Two device names for the same server, sharing one work folder (so one provisioning).
  await devices.add({ name: 'bench-a', ...common, workDir: join(lab.remote, 'shared') });
  await devices.add({ name: 'bench-b', ...common, workDir: join(lab.remote, 'shared') });
  // Provision, probe and connect both first, so the timed part below is only the runs.
  await devices.measure('bench-a', RESNET20, { runs: 3, warmup: 1 });
  await devices.measure('bench-b', RESNET20, { runs: 3, warmup: 1 });
});
afterAll(async () => {
  await devices?.close();
  await lab?.stop();
});

const span = (r: MeasureResult): [number, number] => [Date.parse(r.state.before.at), Date.parse(r.state.after.at)];

describe('the device queue', () => {
  it('runs different devices at the same time and one device one run at a time', async () => {
    const opts = { durationMs: 2500, warmup: 2 };
    const [a1, b1, a2] = await Promise.all([devices.measure('bench-a', RESNET20, opts), devices.measure('bench-b', RESNET20, opts), devices.measure('bench-a', RESNET20, opts)]);
    const [a1s, a1e] = span(a1);
    const [b1s, b1e] = span(b1);
    const [a2s] = span(a2);
    expect(a1e - a1s).toBeGreaterThanOrEqual(2500);
    // Overlap between the two devices...
    expect(b1s).toBeLessThan(a1e);
    expect(a1s).toBeLessThan(b1e);
    // ...and none on the same device.
    expect(a2s).toBeGreaterThanOrEqual(a1e);
    expect(await devices.list()).toHaveLength(3);
  });
});
