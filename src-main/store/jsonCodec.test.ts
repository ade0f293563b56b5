import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from './jsonCodec.js';

describe('stored JSON', () => {
  it('keeps non-finite numbers that plain JSON would turn into null', () => {
    const record = { sqnrDb: Infinity, low: -Infinity, odd: NaN, nested: [1, { x: Infinity }], label: 'W8A8' };
    const back = decodeJson(encodeJson(record)) as typeof record;
    expect(back.sqnrDb).toBe(Infinity);
    expect(back.low).toBe(-Infinity);
    expect(back.odd).toBeNaN();
    expect(back.nested).toEqual([1, { x: Infinity }]);
    expect(JSON.parse(JSON.stringify(record)).sqnrDb).toBeNull();
  });
});
