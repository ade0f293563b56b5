import { describe, expect, it } from 'vitest';
import type { ModelInfo, QuantConfig } from '../../api/index.js';
import { EvaluationLedger } from './evaluationLedger.js';
import type { EvaluationRecord, EvaluationResult, SearchEvaluator } from './types.js';

const info = { name: 'm', sha256: 'x', opset: 17, inputs: [], outputs: [], layers: [], groups: [{ id: 'g0', weightQuantizers: [], activationQuantizers: [], quantizers: [] }], params: 0, macs: 0 } as ModelInfo;

/** Answers with the number of calls made so far, so a recalled record is told from a new one. */
function counting(fingerprint?: string): SearchEvaluator & { calls: number } {
  const ev = {
    info,
    fingerprint,
    calls: 0,
    async evaluate(): Promise<EvaluationResult> {
      ev.calls++;
      return { sqnrDb: 10 * ev.calls, accuracy: null };
    },
  };
  return ev;
}

const config: QuantConfig = { groups: { g0: { w: 4, a: 8 } } };

describe('EvaluationLedger', () => {
  it('recalls a resumed record only in the context (model, data) it was measured in', async () => {
    const first = counting('data-A');
    const records: EvaluationRecord[] = [];
    await new EvaluationLedger(first, { onEvaluation: (r) => records.push(r) }).evaluate(config, 'validation');
    expect(records).toHaveLength(1);

    const same = counting('data-A');
    const resumed = new EvaluationLedger(same, { cachedEvaluations: records });
    expect((await resumed.evaluate(config, 'validation')).sqnrDb).toBe(10);
    expect(same.calls).toBe(0);
    expect(resumed.recalled).toBe(1);

    // Same configuration, other data: measured again, not recalled.
    const other = counting('data-B');
    const fresh = new EvaluationLedger(other, { cachedEvaluations: records });
    await fresh.evaluate(config, 'validation');
    expect(other.calls).toBe(1);
    expect(fresh.recalled).toBe(0);
  });

  it('runs an evaluation through `via` when given, and memoizes it like any other', async () => {
    const ev = counting();
    const ledger = new EvaluationLedger(ev);
    const a = await ledger.evaluate(config, 'calibration', 64, async () => ({ sqnrDb: 42, accuracy: 0.5 }));
    const b = await ledger.evaluate(config, 'calibration', 64);
    expect(a.sqnrDb).toBe(42);
    expect(b).toBe(a);
    expect(ev.calls).toBe(0);
    expect(ledger.evaluations).toBe(1);
  });
});
