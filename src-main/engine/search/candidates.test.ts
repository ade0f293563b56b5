import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/index.js';
import { parseCandidates } from './candidates.js';

describe('candidates', () => {
  it('parses, dedupes and orders most precise first', () => {
    const list = parseCandidates('W4A8, W8A16,W8A8,W4A4,W8A4,w8a8');
    expect(list.map((p) => `W${p.w}A${p.a}`)).toEqual(['W8A16', 'W8A8', 'W8A4', 'W4A8', 'W4A4']);
  });

  it('keeps float activations as the widest', () => {
    expect(parseCandidates('W4A8,W4')).toEqual([{ w: 4, a: null }, { w: 4, a: 8 }]);
  });

  it('names the bad entry', () => {
    try {
      parseCandidates('W8A8,W9X');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BitbenchError);
      expect((error as BitbenchError).code).toBe('INVALID_CONFIG');
      expect((error as BitbenchError).message).toContain('W9X');
    }
  });
});
