// The python3 onnxruntime runner over real SSH. This machine's python3 has no onnxruntime, so the
// probe must say so (no number for it), and a runner forced onto it must fail with the runner's own
// words and leave nothing behind. Where onnxruntime is installed, the same test measures for real.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BitbenchError } from '../../src-main/api/index.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { buildProbeResult } from '../../src-main/device/probe/buildProbeResult.js';
import { splitSections } from '../../src-main/device/probe/probeScript.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

const hasOrt = spawnSync('python3', ['-c', 'import onnxruntime, numpy']).status === 0;
let lab: Lab;
let device: SshDevice;
beforeAll(async () => {
  lab = await startLab();
  device = new SshDevice(lab.record(), lab.pool());
});
afterAll(async () => lab?.stop());

describe('python3 runner over SSH', () => {
  it('follows the probe: no onnxruntime for python3, no number', async () => {
    const probe = await device.probe();
    expect(probe.runtimes.some((r) => r.name === 'onnxruntime-python')).toBe(hasOrt);
    if (hasOrt) return;
    const e = (await measureLatency(device, RESNET20, { probe, python: true }).catch((err: unknown) => err)) as BitbenchError;
    expect(e.code).toBe('UNSUPPORTED_PRECISION');
    expect(e.message).toMatch(/has no onnxruntime-python/);
  });

  it('runs the uploaded runner with python3 and reports its result or its error', async () => {
    const text = readFileSync(fileURLToPath(new URL('../fixtures/device/probe/raspberry-pi-4.txt', import.meta.url)), 'utf8');
    const claims = buildProbeResult(splitSections(text), 'now'); // says onnxruntime-python 1.16.3
    const run = measureLatency(device, RESNET20, { probe: claims, python: true, runs: 10, warmup: 2, profile: true });
    if (hasOrt) {
      const r = await run;
      expect(r.runtime).toMatch(/^onnxruntime-python/);
      expect(r.samplesMs).toHaveLength(10);
    } else {
      const e = (await run.catch((err: unknown) => err)) as BitbenchError;
      expect(e.code).toBe('DEVICE_ERROR');
      expect(e.message).toMatch(/No module named '(onnxruntime|numpy)'/);
    }
    expect(readdirSync(join(lab.remote, 'work', 'runs'))).toEqual([]);
  });
});
