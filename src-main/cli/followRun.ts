/**
 * Runs a started run to its end in the foreground of the CLI: progress lines on stderr (one per
 * phase change or every few seconds), Ctrl+C pauses the run so `bitbench runs resume` continues it.
 */
import { BitbenchError } from '../api/index.js';
import type { CliContext } from './context.js';

export async function followRun(ctx: CliContext, runId: number): Promise<string> {
  const backend = ctx.getBackend();
  let lastPhase = '';
  let lastPrint = 0;
  const unsubscribe = backend.events.subscribe((event) => {
    if (ctx.json) return;
    if (event.type === 'progress' && event.jobId.endsWith(String(runId))) {
      const now = Date.now();
      if (event.phase !== lastPhase || now - lastPrint > 3000) {
        lastPhase = event.phase;
        lastPrint = now;
        const eta = event.etaSeconds !== null && event.etaSeconds !== undefined ? `, about ${Math.ceil(event.etaSeconds)} s left` : '';
        ctx.io.stderr(`  [${event.phase}] ${event.done}/${event.total}${event.step ? ` ${event.step}` : ''}${eta}\n`);
      }
    } else if (event.type === 'log' && event.level !== 'info') {
      ctx.io.stderr(`  ${event.level}: ${event.message}\n`);
    }
  });
  const onInterrupt = () => {
    ctx.io.stderr(`\nPausing run ${runId}; resume it with \`bitbench runs resume ${runId}\`.\n`);
    backend.history.pause(runId);
  };
  process.once('SIGINT', onInterrupt);
  try {
    await backend.history.waitFor(runId);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    unsubscribe();
  }
  const run = backend.history.getRun(runId);
  if (run.status === 'failed' && run.error) throw new BitbenchError(run.error.code as never, run.error.message, run.error.hint);
  if (run.status !== 'done') throw new BitbenchError('CANCELLED', `Run ${runId} ended as ${run.status}.`, `Resume it with \`bitbench runs resume ${runId}\`.`);
  return run.status;
}
