/**
 * MSQ's Algorithm 1 (seed 001, DESIGN 4.2): start with every group at the widest level; while the
 * model costs more than the target, estimate each layer's accuracy with the imprinted predictors,
 * take the gain of layer i as |Acc_i - Acc_(i-1)| (layer 0 is compared with a predictor on the
 * network input), and lower by one bit the group whose layers gain the least and that can still go
 * lower (and get cheaper). Each lowering is a configuration of the kept sequence; the sequence is
 * the MSQ front. Only the first configuration within each cost budget is evaluated on validation.
 *
 * Levels: MSQ lowers weights and activations together one bit at a time, clamped to the ranges the
 * candidates span, so W8A8,W4A4 gives W8A8, W7A7, ..., W4A4 and W8A8,W2A8 lowers weights only.
 */
import { BitbenchError, type BitPair } from '../../../api/index.js';
import { toConfig } from '../candidates.js';
import { throwIfCancelled } from '../evaluationLedger.js';
import { pointWithinBudget } from '../greedyFront.js';
import type { FrontEntry } from '../result.js';
import { defaultBudgets, entryFor, evaluateEntry, type SearchContext } from '../searchContext.js';
import type { Assignment } from '../types.js';
import { estimateLayerAccuracies } from './layerAccuracy.js';
import { DEFAULT_MSQ } from './msqOptions.js';

/** The bit levels MSQ walks through, widest first, derived from the candidates' ranges. */
export function msqLevels(candidates: readonly BitPair[]): BitPair[] {
  const ws = candidates.map((c) => c.w).filter((b): b is number => b !== null);
  const as = candidates.map((c) => c.a).filter((b): b is number => b !== null);
  if (ws.length === 0) throw new BitbenchError('INVALID_CONFIG', 'MSQ needs candidates with quantized weights.', 'Use candidates such as W8A8,W4A4.');
  const clamp = (b: number, list: number[]): number | null => (list.length === 0 ? null : Math.min(Math.max(b, Math.min(...list)), Math.max(...list)));
  const high = Math.max(...ws, ...as);
  const low = Math.min(...ws, ...as);
  const levels: BitPair[] = [];
  for (let b = high; b >= low; b--) {
    const pair = { w: clamp(b, ws), a: clamp(b, as) };
    const last = levels[levels.length - 1];
    if (!last || last.w !== pair.w || last.a !== pair.a) levels.push(pair);
  }
  return levels;
}

/** Runs Algorithm 1 down to the lowest budget and evaluates the sequence at every budget. */
export async function msqSearch(ctx: SearchContext): Promise<{ front: FrontEntry[]; notes: string[] }> {
  const { info, plan } = ctx;
  const capture = ctx.ledger.evaluator.features;
  if (!capture) throw new BitbenchError('INVALID_CONFIG', 'MSQ needs per-layer outputs, and this evaluator cannot capture them.', 'Use the Pareto-greedy or genetic method, or an engine build with tensor capture.');
  const options = { ...DEFAULT_MSQ, ...plan.msq };
  const levels = msqLevels(plan.candidates);
  const budgets = plan.budgets ?? defaultBudgets(ctx);
  const target = Math.min(...budgets);
  const ids = info.groups.map((g) => g.id);
  const level = new Map<string, number>(ids.map((id) => [id, 0]));
  const assignment = (): Assignment => Object.fromEntries(ids.map((id) => [id, { ...levels[level.get(id)!] }]));

  // The layers each group's bits act on: its weight layers and the layers reading its activations.
  const touched = new Map<string, string[]>();
  for (const group of info.groups) {
    const acts = new Set(group.activationQuantizers);
    touched.set(group.id, info.layers.filter((l) => group.weightQuantizers.includes(l.name) || l.inputs.some((t) => acts.has(t))).map((l) => l.name));
  }
  const inputTensor = info.inputs[0]?.name;
  const tensors = [...(inputTensor ? [inputTensor] : []), ...info.layers.map((l) => l.output)];

  const sequence: { groups: Assignment; estimate: number | null }[] = [{ groups: assignment(), estimate: null }];
  let cost = ctx.costModel.cost(sequence[0].groups);
  const startCost = cost;
  ctx.progress.begin('msq', 1);
  while (cost > target * (1 + 1e-12)) {
    throwIfCancelled(ctx.signal);
    const current = sequence[sequence.length - 1];
    const acc = await estimateLayerAccuracies(capture, toConfig(current.groups, plan.extras), tensors, { limit: options.limit, scales: options.scales, outputTensor: info.outputs[0]?.name, signal: ctx.signal });
    current.estimate = acc.output;
    const gainOf = new Map<string, number>();
    info.layers.forEach((layer, i) => {
      const before = i === 0 ? (inputTensor ? acc.byTensor.get(inputTensor) : undefined) : acc.byTensor.get(info.layers[i - 1].output);
      const after = acc.byTensor.get(layer.output);
      gainOf.set(layer.name, before === undefined || after === undefined ? 0 : Math.abs(after - before));
    });
    let pick: { id: string; gain: number; cost: number; to: number } | undefined;
    for (const id of ids) {
      // The next level that saves cost: under size, lowering only activation bits saves nothing,
      // so such levels are passed over rather than blocking the group.
      let to = level.get(id)! + 1;
      let trialCost = Number.POSITIVE_INFINITY;
      for (; to < levels.length; to++) {
        trialCost = ctx.costModel.cost({ ...current.groups, [id]: levels[to] });
        if (trialCost < cost) break;
      }
      if (to >= levels.length) continue;
      const gain = Math.max(0, ...(touched.get(id) ?? []).map((name) => gainOf.get(name) ?? 0));
      if (!pick || gain < pick.gain) pick = { id, gain, cost: trialCost, to };
    }
    if (!pick) break;
    level.set(pick.id, pick.to);
    const saved = cost - pick.cost;
    cost = pick.cost;
    sequence.push({ groups: assignment(), estimate: null });
    // Steps still needed at the current saving per step: a rough total for the ETA, never more
    // than the lowerings left (a step from A16 to A15 saves little, and the estimate would run away).
    const lowerings = ids.reduce((n, id) => n + levels.length - 1 - level.get(id)!, 0);
    ctx.progress.setTotal(sequence.length - 1 + Math.min(lowerings, Math.ceil(Math.max(0, cost - target) / Math.max(saved, 1e-12))));
    const now = levels[level.get(pick.id)!];
    ctx.progress.step(`lowered ${pick.id} to W${now.w ?? 32}A${now.a ?? 32} (cost ${((100 * cost) / startCost).toFixed(1)}%)`);
  }

  const entries: FrontEntry[] = sequence.map((s) => entryFor(ctx, s.groups, s.estimate));
  const chosenIndexes = [...new Set(budgets.map((b) => entries.indexOf(pointWithinBudget(entries, b) as FrontEntry)).filter((i) => i >= 0))];
  ctx.progress.begin('evaluate-front', chosenIndexes.length);
  for (const index of chosenIndexes) {
    entries[index] = await evaluateEntry(ctx, sequence[index].groups, sequence[index].estimate);
    ctx.progress.step(`step ${index} of ${sequence.length - 1}`);
  }
  return { front: entries, notes: [`MSQ lowered ${sequence.length - 1} times over levels ${levels.map((l) => `W${l.w ?? 32}A${l.a ?? 32}`).join(', ')}`] };
}
