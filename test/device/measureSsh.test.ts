// End to end over SSH: probe 127.0.0.1, provision onnxruntime-node, measure a real model with the
// Node runner, cached uploads on repeat, and this computer measured the same way.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureResult } from '../../src-main/api/index.js';
import { LocalDevice } from '../../src-main/device/localDevice.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => lab?.stop());

describe('measuring over SSH', () => {
  it('probes 127.0.0.1 over SSH like this computer', async () => {
    const device = new SshDevice(lab.record(), lab.pool());
    const probe = await device.probe();
    expect(probe.arch).toBe('x86_64');
    expect(probe.cpu.cores).toBeGreaterThan(0);
    expect(probe.memoryMiB).toBeGreaterThan(100);
    expect(probe.runtimes.map((r) => r.name)).toContain('node');
    const local = await new LocalDevice().probe();
    expect(local.kernel).toBe(probe.kernel);
    expect(local.precisions.find((p) => p.runtime === 'onnxruntime-node' && p.precision === 'FP32')?.runnable).toBe(true);
  });

  it('provisions onnxruntime-node once, measures resnet20, and uploads 0 bytes on repeat', async () => {
    const device = new SshDevice(lab.record(), lab.pool());
    const probe = { ...(await new LocalDevice().probe()) };
    const first = MeasureResult.parse(await measureLatency(device, RESNET20, { probe, runs: 30, warmup: 5, profile: true }));
    expect(first.uploadedBytes).toBeGreaterThan(40e6); // libonnxruntime.so + model + runner
    expect(first.runs).toBe(30);
    expect(first.samplesMs).toHaveLength(30);
    expect(first.latencyMs.min).toBeGreaterThan(0);
    expect(first.latencyMs.min).toBeLessThanOrEqual(first.latencyMs.median);
    expect(first.latencyMs.median).toBeLessThanOrEqual(first.latencyMs.p99);
    expect(first.nodeMs?.['/layers/layers.0/c1/Conv']).toBeGreaterThan(0);
    expect(first.state.before.cpuMHz.length + first.state.before.thermal.length).toBeGreaterThanOrEqual(0);
    expect(first.state.before.load1).not.toBeNull();

    const again = await measureLatency(device, RESNET20, { probe, runs: 30, warmup: 5 });
    expect(again.uploadedBytes).toBe(0);
    console.log(`ssh measure: median ${again.latencyMs.median.toFixed(3)} ms, cv ${again.cv.toFixed(3)}, wall/runner ${(again.wallMs / again.runnerMs).toFixed(2)} (wall ${again.wallMs.toFixed(0)} ms, runner ${again.runnerMs.toFixed(0)} ms)`);
    // Each run's folder is gone; the cache stays.
    expect(readdirSync(join(lab.remote, 'work', 'runs'))).toEqual([]);
    expect(existsSync(join(lab.remote, 'work', 'blobs', first.modelSha256))).toBe(true);
  });

  it('measures this computer in a child process', async () => {
    const local = new LocalDevice();
    const r = await measureLatency(local, RESNET20, { runs: 20, warmup: 3 });
    expect(r.device).toBe('this computer');
    expect(r.samplesMs).toHaveLength(20);
    expect(r.uploadedBytes).toBe(0);
  });
});
