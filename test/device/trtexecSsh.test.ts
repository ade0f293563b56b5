// The TensorRT runner's orchestration over real SSH: engine built once per model hash and kept,
// timed from the saved engine, JSON exports read back, refusals typed. This machine has no NVIDIA
// GPU, so `trtexec` here is a stand-in script that replays output written from trtexec's documented
// formats (test/fixtures/device/trtexec) and writes the files it is asked to export. What is real:
// sshd, quoting, uploads, the engine cache, the parsers and the capability checks.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitbenchError, type ProbeResult } from '../../src-main/api/index.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { buildProbeResult } from '../../src-main/device/probe/buildProbeResult.js';
import { splitSections } from '../../src-main/device/probe/probeScript.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

const fixtures = fileURLToPath(new URL('../fixtures/device/trtexec/', import.meta.url));
let lab: Lab;
let stubDir: string;
let device: SshDevice;

function probeOf(board: string, trtexec: string): ProbeResult {
  const text = readFileSync(fileURLToPath(new URL(`../fixtures/device/probe/${board}.txt`, import.meta.url)), 'utf8');
  const probe = buildProbeResult(splitSections(text), 'now');
  return { ...probe, runtimes: probe.runtimes.map((r) => (r.name === 'tensorrt' ? { ...r, path: trtexec } : r)) };
}

beforeAll(async () => {
  lab = await startLab();
  stubDir = join(lab.remote, "bin dir 'trt'");
  mkdirSync(stubDir, { recursive: true });
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    join(stubDir, 'trtexec'),
    `#!/bin/sh
echo "$*" >> ${q(join(stubDir, 'calls.log'))}
for a in "$@"; do case "$a" in
  --saveEngine=*) save="\${a#--saveEngine=}";; --exportTimes=*) times="\${a#--exportTimes=}";;
  --exportProfile=*) prof="\${a#--exportProfile=}";; --int8) int8=1;;
esac; done
if [ -n "$save" ]; then
  if [ -n "$int8" ] && [ -f ${q(join(stubDir, 'refuse-int8'))} ]; then cat ${q(join(fixtures, 'trt86-int8-refused.txt'))}; exit 1; fi
  echo "&&&& RUNNING TensorRT.trtexec [TensorRT v100300]"; echo engine > "$save"; echo "&&&& PASSED TensorRT.trtexec [TensorRT v100300]"; exit 0
fi
cat ${q(join(fixtures, 'trt10-summary.txt'))}
cp ${q(join(fixtures, 'trt10-times.json'))} "$times"; cp ${q(join(fixtures, 'trt10-profile.json'))} "$prof"
`,
  );
  chmodSync(join(stubDir, 'trtexec'), 0o755);
  device = new SshDevice(lab.record(), lab.pool());
});
afterAll(async () => lab?.stop());

const calls = (): string[] => (existsSync(join(stubDir, 'calls.log')) ? readFileSync(join(stubDir, 'calls.log'), 'utf8').trim().split('\n') : []);
const layers = ['/stem/stem.0/Conv', '/layers/layers.0/c1/Conv', '/layers/layers.0/c2/Conv', '/fc/Gemm'];

describe('trtexec over SSH', () => {
  it('builds the engine once per model and precision, then times the kept engine', async () => {
    const probe = probeOf('jetson-orin-nano', join(stubDir, 'trtexec'));
    const first = await measureLatency(device, RESNET20, { probe, runs: 200, tensorrt: { precision: 'FP16', layers } });
    expect(first.runtime).toBe('tensorrt 10.3.0');
    expect(first.precisions).toEqual(['FP16']);
    expect(first.samplesMs).toEqual([0.53, 0.535]);
    expect(first.nodeMs?.['/layers/layers.0/c1/Conv']).toBeCloseTo(0.044, 10);
    const second = await measureLatency(device, RESNET20, { probe, runs: 200, tensorrt: { precision: 'FP16', layers } });
    expect(second.uploadedBytes).toBe(0);
    const log = calls();
    expect(log.filter((c) => c.includes('--saveEngine')).length).toBe(1);
    expect(log.filter((c) => c.includes('--loadEngine')).length).toBe(2);
    expect(log[1]).toContain('--iterations=200');
    expect(readdirSync(join(lab.remote, 'work', 'engines'))).toEqual([`${first.modelSha256}-FP16-trt10.3.0.plan`]);
    expect(readdirSync(join(lab.remote, 'work', 'runs'))).toEqual([]);
  });

  it('refuses INT8 on a Jetson Nano before running anything, saying why', async () => {
    const before = calls().length;
    const probe = probeOf('jetson-nano', join(stubDir, 'trtexec'));
    const e = await measureLatency(device, RESNET20, { probe, tensorrt: { precision: 'INT8' } }).catch((err: unknown) => err);
    expect((e as BitbenchError).code).toBe('UNSUPPORTED_PRECISION');
    expect((e as BitbenchError).message).toMatch(/Maxwell.*no INT8 support/);
    expect(calls().length).toBe(before);
  });

  it('turns TensorRT refusing a QDQ INT8 build into UNSUPPORTED_PRECISION and keeps no engine', async () => {
    writeFileSync(join(stubDir, 'refuse-int8'), '');
    const probe = probeOf('jetson-orin-nano', join(stubDir, 'trtexec'));
    const e = await measureLatency(device, RESNET20, { probe, tensorrt: { precision: 'INT8' } }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BitbenchError);
    expect((e as BitbenchError).code).toBe('UNSUPPORTED_PRECISION');
    expect(readdirSync(join(lab.remote, 'work', 'engines')).filter((f) => f.includes('INT8'))).toEqual([]);
  });
});
