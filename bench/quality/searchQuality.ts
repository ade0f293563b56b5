/**
 * The search part of the quality benchmark on one model: Pareto-greedy under BOPs and under size,
 * compared with fixed W4A8 and W4A4 at their cost; genetic and MSQ at the same budgets; phase-1
 * rank statistics and wall-time ratio; the binary search's evaluation count against its bound.
 * All runs of a model share one record of evaluations (as a resumed job would), so phase 1 is
 * measured once and reused.
 */
import { parseCandidates } from '../../src-main/engine/search/candidates.js';
import type { CostKind } from '../../src-main/engine/search/cost/costModel.js';
import { createCostModel } from '../../src-main/engine/search/cost/createCostModel.js';
import { EvaluationLedger } from '../../src-main/engine/search/evaluationLedger.js';
import { pointWithinBudget } from '../../src-main/engine/search/greedyFront.js';
import { kendallTau } from '../../src-main/engine/search/kendall.js';
import { ProgressTracker } from '../../src-main/engine/search/progress.js';
import type { FrontEntry, SearchResult } from '../../src-main/engine/search/result.js';
import type { SearchPlan } from '../../src-main/engine/search/searchContext.js';
import { searchWithEvaluator } from '../../src-main/engine/search/searchWithEvaluator.js';
import { measureSensitivity } from '../../src-main/engine/search/sensitivity.js';
import { SimulatorEvaluator } from '../../src-main/engine/search/simulatorEvaluator.js';
import type { EvaluationRecord, SearchHooks } from '../../src-main/engine/search/types.js';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { CALIB, type BenchModel } from './setup.js';

/** One wide candidate set for every search: below W4A4 (W3A4, W2A4) and above W4A8. */
export const CANDIDATES = 'W8A8,W6A8,W5A8,W4A8,W3A8,W6A6,W5A6,W4A6,W8A4,W4A4,W3A4,W2A4';
/**
 * MSQ lowers weights and activations together one bit at a time (W8A8, W7A7, ..., W4A4, W3A4) to
 * a size target; it runs once, to the size of fixed W4, and its sequence is placed on both axes.
 */
const MSQ_CANDIDATES = 'W8A8,W3A4';
export const PHASE1 = 256;
export const MSQ_SAMPLES = 128;
/** Candidates whose phase-1 ranking is re-measured on all calibration images. */
const AGREEMENT_CANDIDATES = ['W4A8', 'W4A4', 'W3A8'];

export interface BudgetRow {
  cost: CostKind;
  at: string;
  budget: number;
  fixed: number | null;
  /** The greedy front's first point within the budget, and the search's pick there (atBudgets). */
  greedy: number | null;
  mixed: number | null;
  /** Calibration SQNR of the pick's starting front point and of the pick; exchanges kept. */
  pick: { startSqnrDb: number; sqnrDb: number; exchanges: number } | null;
  mixedCost: number;
  genetic: number | null;
  msq: number | null;
  config: string;
}

export interface SearchReport {
  model: string;
  fp32: number | null;
  rows: BudgetRow[];
  kendallTau: number | null;
  binarySearch: { cost: CostKind; points: number; evaluations: number; bound: number; chosen: number | null; chosenCost: number | null }[];
  phase1: { evaluations: number; seconds: number; fullEvalSeconds: number; ratio: number; agreement: number | null };
  fronts: { method: string; cost: CostKind; points: { cost: number; accuracy: number | null }[] }[];
  seconds: number;
}

function summarize(entry: FrontEntry): string {
  const counts = new Map<string, number>();
  for (const p of Object.values(entry.config.groups)) {
    const k = `W${p.w ?? 32}A${p.a ?? 32}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}x${k}`).join(' ');
}

export async function searchQuality(model: BenchModel, note: (text: string) => void, cacheFile?: string, agreementCheck = true): Promise<SearchReport> {
  const started = performance.now();
  const evaluator = new SimulatorEvaluator(model.simulator, model.data, model.loaded);
  const info = model.simulator.info;
  // Evaluations persist in a JSON-lines file when asked, so an interrupted benchmark resumes.
  const records: EvaluationRecord[] = cacheFile && existsSync(cacheFile) ? readFileSync(cacheFile, 'utf8').split('\n').filter((l) => l.trim()).map(parseRecord) : [];
  if (records.length) note(`  ${model.name}: ${records.length} evaluations resumed from ${cacheFile}`);
  const hooks = (): SearchHooks => ({
    cachedEvaluations: [...records],
    onEvaluation: (r) => {
      records.push(r);
      if (cacheFile) appendFileSync(cacheFile, JSON.stringify(r) + '\n');
    },
    onProgress: (p) => {
      if (p.done === p.total || p.done % 25 === 0) note(`  ${model.name} [${p.phase}] ${p.done}/${p.total} ${p.step}`);
    },
  });
  const ledger = (): EvaluationLedger => new EvaluationLedger(evaluator, hooks());
  const plan: SearchPlan = {
    candidates: parseCandidates(CANDIDATES),
    maxDropPercent: 1,
    seed: 0,
    extras: { rounding: 'nearest' },
    sensitivityMetric: 'sqnr',
    phase1Limit: PHASE1,
    baselines: parseCandidates('W8A8,W4A8,W4A4'),
  };
  const report: SearchReport = { model: model.name, fp32: null, rows: [], kendallTau: null, binarySearch: [], phase1: { evaluations: 0, seconds: 0, fullEvalSeconds: 0, ratio: 0, agreement: null }, fronts: [], seconds: 0 };
  let first: SearchResult | undefined;
  let msq: SearchResult | undefined;
  for (const cost of ['size', 'bops'] as const) {
    const costModel = createCostModel(cost, info);
    const pareto = await searchWithEvaluator(evaluator, 'pareto', costModel, plan, hooks());
    first ??= pareto;
    report.fp32 = pareto.reference.accuracy;
    report.binarySearch.push({ cost, points: pareto.binarySearch?.points ?? 0, evaluations: pareto.binarySearch?.evaluations ?? 0, bound: pareto.binarySearch?.bound ?? 0, chosen: pareto.chosen?.accuracy ?? null, chosenCost: pareto.chosen?.cost ?? null });
    const budgets = ['W4A8', 'W4A4'].map((bits) => pareto.baselines.find((b) => b.bits === bits)!);
    const genetic = await searchWithEvaluator(evaluator, 'genetic', costModel, { ...plan, budgets: budgets.map((b) => b.cost), genetic: { seed: 0 } }, hooks());
    // Size runs first; MSQ targets the size of fixed W4 there and its sequence serves both axes.
    msq ??= await searchWithEvaluator(evaluator, 'msq', costModel, { ...plan, candidates: parseCandidates(MSQ_CANDIDATES), baselines: [], budgets: [budgets[0].cost], msq: { limit: MSQ_SAMPLES } }, hooks());
    const msqOnAxis = msq.front.map((e) => ({ ...e, cost: cost === 'size' ? e.sizeBytes : e.bops }));
    const l = ledger();
    const msqAt = async (budget: number): Promise<FrontEntry | undefined> => {
      const point = pointWithinBudget(msqOnAxis, budget);
      if (!point) return undefined;
      const record = await l.evaluate(point.config, 'validation');
      return { ...point, accuracy: record.accuracy, sqnrDb: record.sqnrDb, evaluated: true };
    };
    const msqPoints: FrontEntry[] = [];
    for (const fixed of budgets) {
      const greedyPoint = pointWithinBudget(pareto.front, fixed.cost)!;
      const choice = pareto.atBudgets!.find((c) => c.baseline === fixed.bits)!;
      const picked = choice.entry;
      report.rows.push({
        cost,
        at: fixed.bits,
        budget: fixed.cost,
        fixed: fixed.accuracy,
        greedy: (await l.evaluate(greedyPoint.config, 'validation')).accuracy,
        mixed: picked.accuracy,
        pick: { startSqnrDb: choice.startSqnrDb, sqnrDb: choice.calibrationSqnrDb, exchanges: choice.exchanges },
        mixedCost: picked.cost,
        genetic: pointWithinBudget(genetic.front, fixed.cost)?.accuracy ?? null,
        msq: await msqAt(fixed.cost).then((p) => (p && msqPoints.push(p), p?.accuracy ?? null)),
        config: summarize(picked),
      });
    }
    report.fronts.push(
      { method: 'pareto', cost, points: pareto.front.filter((e) => e.evaluated).map((e) => ({ cost: e.cost, accuracy: e.accuracy })) },
      { method: 'genetic', cost, points: genetic.front.map((e) => ({ cost: e.cost, accuracy: e.accuracy })) },
      { method: 'msq', cost, points: msqPoints.map((e) => ({ cost: e.cost, accuracy: e.accuracy })) },
      { method: 'fixed', cost, points: pareto.baselines.map((e) => ({ cost: e.cost, accuracy: e.accuracy })) },
    );
  }
  const table = first!.sensitivity!.table;
  report.kendallTau = first!.sensitivity!.kendallTau;
  // "One evaluation" = one full validation evaluation of a quantized configuration. Both sides come
  // from the evaluation records (each keeps the seconds it took when it ran), so the ratio is the
  // same whether phase 1 ran in this process or was resumed from the cache.
  const full = records.filter((r) => r.split === 'validation' && r.limit === null && Object.keys(r.config.groups).length > 0);
  const fullEvalSeconds = full.reduce((s, r) => s + r.seconds, 0) / Math.max(1, full.length);
  const phase1Records = records.filter((r) => r.split === 'calibration' && r.limit === PHASE1);
  const phase1Seconds = phase1Records.reduce((s, r) => s + r.seconds, 0);
  // Does the reduced-sample phase 1 rank like one on all calibration images? (a candidate subset)
  if (!agreementCheck) {
    report.phase1 = { evaluations: phase1Records.length, seconds: phase1Seconds, fullEvalSeconds, ratio: phase1Seconds / (phase1Records.length * fullEvalSeconds), agreement: null };
    await evaluator.dispose();
    report.seconds = (performance.now() - started) / 1000;
    return report;
  }
  const subset = parseCandidates(['W8A8', ...AGREEMENT_CANDIDATES].join(','));
  const check = await measureSensitivity(info, ledger(), { candidates: subset, limit: CALIB, extras: plan.extras }, new ProgressTracker(undefined, () => 0));
  const index = (pairIndex: number): number => plan.candidates.findIndex((c) => c.w === subset[pairIndex].w && c.a === subset[pairIndex].a);
  const reduced = new Map(table.entries.map((e) => [`${e.groupId}/${e.candidate}`, e.sqnrDb]));
  const agreement = kendallTau(check.entries.map((e) => reduced.get(`${e.groupId}/${index(e.candidate)}`)!), check.entries.map((e) => e.sqnrDb));
  report.phase1 = { evaluations: phase1Records.length, seconds: phase1Seconds, fullEvalSeconds, ratio: phase1Seconds / (phase1Records.length * fullEvalSeconds), agreement: Number.isNaN(agreement) ? null : agreement };
  await evaluator.dispose();
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** A persisted record back into memory (JSON turned an infinite SQNR into null). */
function parseRecord(line: string): EvaluationRecord {
  const record = JSON.parse(line) as EvaluationRecord;
  return { ...record, sqnrDb: record.sqnrDb ?? Number.POSITIVE_INFINITY };
}
