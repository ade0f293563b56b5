import { describe, expect, it } from 'vitest';
import { configHash } from './configHash.js';

describe('configHash', () => {
  it('ignores group order and key order', () => {
    const a = configHash({ groups: { g1: { w: 8, a: 8 }, g2: { w: 4, a: 8 } } });
    const b = configHash({ groups: { g2: { a: 8, w: 4 }, g1: { a: 8, w: 8 } } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any bit-width, the calibration or the rounding', () => {
    const base = { groups: { g1: { w: 8, a: 8 } } };
    const hashes = new Set([
      configHash(base),
      configHash({ groups: { g1: { w: 4, a: 8 } } }),
      configHash({ groups: { g1: { w: 8, a: null } } }),
      configHash({ ...base, calibration: 'mse' }),
      configHash({ ...base, rounding: 'adaround' }),
    ]);
    expect(hashes.size).toBe(5);
  });
});
