import { describe, expect, it } from 'vitest';
import type { BitPair } from '../../api/index.js';
import { monotoneEnvelope, PenaltyModel, type SensitivityTable } from './sensitivity.js';

const pair = (w: number, a: number): BitPair => ({ w, a });

describe('penalties are monotone in precision', () => {
  it('never rates a pair below one at least as precise in weights and activations', () => {
    const candidates = [pair(8, 8), pair(4, 8), pair(4, 6), pair(8, 4), pair(3, 4)];
    // Measured: W4A6 came out quieter than W4A8 (noise), W3A4 quieter than W8A4.
    const row = [0, 0.02, 0.015, 0.05, 0.04];
    monotoneEnvelope(row, candidates);
    expect(row).toEqual([0, 0.02, 0.02, 0.05, 0.05]);
  });

  it('keeps incomparable pairs as measured (W4A8 against W8A4)', () => {
    const candidates = [pair(8, 8), pair(4, 8), pair(8, 4)];
    const row = [0, 0.03, 0.01];
    monotoneEnvelope(row, candidates);
    expect(row).toEqual([0, 0.03, 0.01]);
  });

  it('applies inside the penalty model the searches use', () => {
    const candidates = [pair(8, 8), pair(4, 8), pair(4, 6)];
    const table: SensitivityTable = {
      candidates,
      top: { sqnrDb: 30, accuracy: null },
      entries: [
        { groupId: 'g', candidate: 1, sqnrDb: 20, accuracy: null },
        { groupId: 'g', candidate: 2, sqnrDb: 21, accuracy: null },
      ] as SensitivityTable['entries'],
      limit: null,
      seconds: 0,
      evaluations: 2,
    };
    const model = new PenaltyModel(table, 'sqnr');
    expect(model.penalty('g', 2)).toBe(model.penalty('g', 1));
    expect(model.penalty('g', 1)).toBeGreaterThan(0);
  });
});
