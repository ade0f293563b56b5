/** Builds the cost model a search was asked for, by kind. */
import { BitbenchError, type ModelInfo } from '../../../api/index.js';
import { BopsCostModel } from './bops.js';
import type { CostKind, CostModel } from './costModel.js';
import { LatencyCostModel, type LatencyTable } from './latencyTable.js';
import { SizeCostModel } from './size.js';

/** A cost model of `kind` for the model; latency needs its table. */
export function createCostModel(kind: CostKind, info: ModelInfo, latencyTable?: LatencyTable): CostModel {
  switch (kind) {
    case 'bops':
      return new BopsCostModel(info);
    case 'size':
      return new SizeCostModel(info);
    case 'latency':
      if (!latencyTable) throw new BitbenchError('INVALID_CONFIG', 'The latency cost needs a latency table.', 'Pass --latency-table FILE (measure the model on a device to make one).');
      return new LatencyCostModel(info, latencyTable);
  }
}
