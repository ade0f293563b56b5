/** The jobs this build can run, tried in order; the first executor that accepts a run runs it. */
import type { JobExecutor } from '../jobTypes.js';
import { syntheticSearchExecutor } from './syntheticSearch.js';

export const builtInExecutors: readonly JobExecutor[] = [syntheticSearchExecutor];
