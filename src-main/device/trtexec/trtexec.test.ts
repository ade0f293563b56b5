import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/index.js';
import { parseTrtexecProfile, parseTrtexecTimes, trtProfileToLayerTimes } from './parseTrtexecJson.js';
import { assertTrtexecPassed, parseTrtexecSummary } from './parseTrtexecSummary.js';
import { trtexecBuildCommand, trtexecTimeCommand } from './trtexecCommand.js';

// Fixtures written from trtexec's documented output formats (test/fixtures/device/trtexec/README.md).
const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/device/trtexec/${name}`, import.meta.url)), 'utf8');

describe('trtexec summary', () => {
  it('reads TensorRT 8.2 (99th percentile only)', () => {
    const s = parseTrtexecSummary(fixture('trt82-summary.txt'));
    expect(s.tensorrt).toBe('8.2.1');
    expect(s.passed).toBe(true);
    expect(s.throughputQps).toBe(542.531);
    expect(s.latency).toEqual({ min: 1.79663, max: 3.40405, mean: 1.84172, median: 1.83203, percentiles: { 99: 2.07422 } });
    expect(s.gpuCompute?.median).toBe(1.81641);
    expect(s.cv).toBeNull();
    expect(() => assertTrtexecPassed(s, 'nano')).not.toThrow();
  });

  it('reads TensorRT 10 (90/95/99 and the coefficient of variance warning)', () => {
    const s = parseTrtexecSummary(fixture('trt10-summary.txt'));
    expect(s.tensorrt).toBe('10.3.0');
    expect(s.latency?.percentiles).toEqual({ 90: 0.541016, 95: 0.546875, 99: 0.573242 });
    expect(s.gpuCompute?.mean).toBe(0.52539);
    expect(s.enqueue?.min).toBe(0.0908203);
    expect(s.cv).toBeCloseTo(0.0612, 10);
  });

  it('turns a QDQ network refused for lack of INT8 into UNSUPPORTED_PRECISION', () => {
    const s = parseTrtexecSummary(fixture('trt86-int8-refused.txt'));
    expect(s.passed).toBe(false);
    expect(s.errors[0]).toMatch(/explicit quantization/);
    try {
      assertTrtexecPassed(s, 'pascal-box');
      throw new Error('should have thrown');
    } catch (e) {
      expect((e as BitbenchError).code).toBe('UNSUPPORTED_PRECISION');
      expect((e as BitbenchError).message).toMatch(/TensorRT 8.6.1 on pascal-box refused the INT8/);
    }
    expect(() => assertTrtexecPassed({ ...s, errors: ['Cuda Runtime (out of memory)'] }, 'x')).toThrow(/trtexec failed on x: Cuda Runtime/);
  });
});

describe('trtexec JSON exports', () => {
  it('reads --exportTimes of 8.x and 10.x key spellings', () => {
    expect(parseTrtexecTimes(JSON.parse(fixture('trt82-times.json')))).toEqual({ latencyMs: [1.84, 1.83, 1.88], computeMs: [1.82, 1.81, 1.86] });
    expect(parseTrtexecTimes(JSON.parse(fixture('trt10-times.json')))).toEqual({ latencyMs: [0.53, 0.535], computeMs: [0.52, 0.525] });
    expect(parseTrtexecTimes([{ startComputeMs: 1, endComputeMs: 3, h2dMs: 0.5, d2hMs: 0.5 }])).toEqual({ latencyMs: [3], computeMs: [2] });
    expect(() => parseTrtexecTimes({})).toThrow(/not a JSON array/);
  });

  it('reads --exportProfile and maps fused TensorRT layers back to ONNX layers', () => {
    const p82 = parseTrtexecProfile(JSON.parse(fixture('trt82-profile.json')));
    expect(p82.count).toBe(100);
    expect(p82.layers[0]).toEqual({ name: '/stem/stem.0/Conv + /stem/stem.2/Relu', averageMs: 0.091, medianMs: null, percentage: 5.2 });
    const onnx = ['/stem/stem.0/Conv', '/layers/layers.0/c1/Conv', '/layers/layers.0/c2/Conv', '/fc/Gemm'];
    const t82 = trtProfileToLayerTimes(p82.layers, onnx);
    expect(t82.nodeMs).toEqual({ '/stem/stem.0/Conv': 0.091, '/layers/layers.0/c1/Conv': 0.21, '/layers/layers.0/c2/Conv': 0.22, '/fc/Gemm': 0.025 });
    expect(t82.baseMs).toBeCloseTo(0.03 + 0.012, 10);

    const p10 = parseTrtexecProfile(JSON.parse(fixture('trt10-profile.json')));
    const t10 = trtProfileToLayerTimes(p10.layers, onnx);
    // medianMs wins over averageMs when present (10.x); the input quantizer counts for its layer.
    expect(t10.nodeMs['/stem/stem.0/Conv']).toBe(0.031);
    expect(t10.nodeMs['/layers/layers.0/c1/Conv']).toBeCloseTo(0.039 + 0.005, 10);
    expect(t10.baseMs).toBeCloseTo(0.003, 10);
  });
});

describe('trtexec commands', () => {
  it('quotes every argument and builds to a temp name first', () => {
    const cmd = trtexecBuildCommand('/usr/src/tensorrt/bin/trtexec', "/w/blobs/ab'c", '/w/engines/e 1.plan', 'FP16');
    expect(cmd).toBe(`/usr/src/tensorrt/bin/trtexec '--onnx=/w/blobs/ab'\\''c' '--saveEngine=/w/engines/e 1.plan.tmp' --fp16 2>&1 && mv -f -- '/w/engines/e 1.plan.tmp' '/w/engines/e 1.plan'`);
    const time = trtexecTimeCommand('trtexec', '/w/e.plan', { warmupMs: 500, iterations: 100, timesJson: 't.json', profileJson: 'p.json' });
    expect(time).toContain('--separateProfileRun');
    expect(time).toContain('--iterations=100');
  });
});
