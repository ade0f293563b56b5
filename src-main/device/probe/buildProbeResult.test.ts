import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BitbenchError, ProbeResult } from '../../api/index.js';
import { buildProbeResult } from './buildProbeResult.js';
import { requirePrecision } from './capabilities.js';
import { parseDeviceState } from './parseState.js';
import { splitSections } from './probeScript.js';

// Fixtures are written from the documented formats (see test/fixtures/device/probe/README.md).
function probeFixture(name: string): ProbeResult {
  const text = readFileSync(fileURLToPath(new URL(`../../../test/fixtures/device/probe/${name}.txt`, import.meta.url)), 'utf8');
  return ProbeResult.parse(buildProbeResult(splitSections(text), '2026-01-01T00:00:00Z'));
}

const support = (p: ProbeResult, runtime: string, precision: string) => p.precisions.find((x) => x.runtime === runtime && x.precision === precision);

describe('probe of a Jetson Nano', () => {
  const p = probeFixture('jetson-nano');
  it('reads the board, L4T, power mode, CPU and memory', () => {
    expect(p.jetson).toEqual({ model: 'NVIDIA Jetson Nano Developer Kit', l4t: '32.7.1', gpuArch: 'Maxwell', computeCapability: '5.3', powerMode: 'MAXN' });
    expect(p.boardModel).toBe('NVIDIA Jetson Nano Developer Kit');
    expect(p.cpu).toMatchObject({ model: 'Cortex-A57', cores: 4 });
    expect(p.memoryMiB).toBe(3964);
    expect(p.kernel).toBe('4.9.253-tegra');
    expect(p.os).toBe('Ubuntu 18.04.6 LTS');
    expect(p.runtimes).toContainEqual({ name: 'tensorrt', version: '8.2.1', path: '/usr/src/tensorrt/bin/trtexec' });
    expect(p.runtimes.map((r) => r.name)).not.toContain('onnxruntime-python');
  });
  it('knows FP16 is fast and INT8 is refused, and says why', () => {
    expect(support(p, 'tensorrt', 'FP16')).toMatchObject({ runnable: true, fast: true });
    const int8 = support(p, 'tensorrt', 'INT8');
    expect(int8).toMatchObject({ runnable: false, fast: false });
    expect(int8?.why).toMatch(/Maxwell.*no INT8 support.*refuses to build QDQ/);
    expect(() => requirePrecision(p, 'nano', 'tensorrt', 'INT8')).toThrow(BitbenchError);
    try {
      requirePrecision(p, 'nano', 'tensorrt', 'INT8');
    } catch (e) {
      expect((e as BitbenchError).code).toBe('UNSUPPORTED_PRECISION');
      expect((e as BitbenchError).message).toMatch(/nano cannot run INT8 with tensorrt: Maxwell/);
    }
    expect(() => requirePrecision(p, 'nano', 'onnxruntime-node', 'FP32')).toThrow(/has no onnxruntime-node/);
  });
  it('reads the state: clocks, GPU clock, temperatures, load, power mode', () => {
    const s = parseDeviceState(splitSections(readFileSync(fileURLToPath(new URL('../../../test/fixtures/device/probe/jetson-nano.txt', import.meta.url)), 'utf8')), 't');
    expect(s.cpuMHz).toEqual([1479, 1479, 1479, 1479]);
    expect(s.gpuMHz).toBeCloseTo(921.6, 6);
    expect(s.thermal).toContainEqual({ name: 'CPU-therm', celsius: 31 });
    expect(s.load1).toBe(0.08);
    expect(s.powerMode).toBe('MAXN');
  });
});

describe('probe of Orin and Xavier', () => {
  it('Orin Nano is Ampere (not a Nano), TensorRT 10, INT8 and FP16 fast, ORT int8 fast via dot product', () => {
    const p = probeFixture('jetson-orin-nano');
    expect(p.jetson).toMatchObject({ gpuArch: 'Ampere', computeCapability: '8.7', l4t: '36.3.0', powerMode: '15W' });
    expect(p.runtimes).toContainEqual({ name: 'tensorrt', version: '10.3.0', path: '/usr/src/tensorrt/bin/trtexec' });
    expect(support(p, 'tensorrt', 'INT8')).toMatchObject({ runnable: true, fast: true });
    expect(support(p, 'onnxruntime-python', 'INT8')).toMatchObject({ runnable: true, fast: true });
    expect(support(p, 'onnxruntime-python', 'FP16')).toMatchObject({ runnable: true });
    expect(p.thermal.map((t) => t.name)).not.toContain('cv0-thermal');
  });
  it('Xavier NX is Volta with Carmel cores', () => {
    const p = probeFixture('jetson-xavier-nx');
    expect(p.jetson).toMatchObject({ gpuArch: 'Volta', computeCapability: '7.2', l4t: '35.4.1', powerMode: 'MODE_20W_6CORE' });
    expect(p.cpu.model).toBe('NVIDIA Carmel');
    expect(support(p, 'tensorrt', 'INT8')?.runnable).toBe(true);
  });
});

describe('probe of a Raspberry Pi and an x86 server', () => {
  it('Raspberry Pi 4: no Jetson, no TensorRT, ORT int8 runs but is not fast on Cortex-A72', () => {
    const p = probeFixture('raspberry-pi-4');
    expect(p.jetson).toBeNull();
    expect(p.boardModel).toBe('Raspberry Pi 4 Model B Rev 1.1');
    expect(p.cpu.model).toBe('Cortex-A72');
    expect(p.precisions.some((x) => x.runtime === 'tensorrt')).toBe(false);
    expect(support(p, 'onnxruntime-node', 'INT8')).toMatchObject({ runnable: true, fast: false });
    expect(support(p, 'onnxruntime-node', 'FP16')?.runnable).toBe(false);
  });
  it('x86 with a GTX 1080 (Pascal 6.1): INT8 yes, FP16 not fast; VNNI CPU int8 fast', () => {
    const p = probeFixture('x86-server');
    expect(p.cpu).toMatchObject({ model: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', cores: 2 });
    expect(p.gpu).toBe('NVIDIA GeForce GTX 1080 (compute capability 6.1)');
    expect(support(p, 'tensorrt', 'FP16')).toMatchObject({ runnable: false });
    expect(support(p, 'tensorrt', 'INT8')).toMatchObject({ runnable: true });
    expect(support(p, 'onnxruntime-python', 'INT8')?.why).toMatch(/VNNI/);
    expect(p.runtimes).toContainEqual({ name: 'tensorrt', version: '8.6.1', path: '/usr/local/bin/trtexec' });
  });
});

describe('x86 cpuinfo', () => {
  it('does not take the lower-case CPU "model" number for a board', async () => {
    const { parseCpuinfo } = await import('./parseSystem.js');
    const facts = parseCpuinfo('processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9454\nflags\t\t: fpu avx2\n\n');
    expect(facts.boardHint).toBeNull();
    expect(facts.model).toBe('AMD EPYC 9454');
  });
});
