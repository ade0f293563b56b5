#!/usr/bin/env node
// Runs Vitest with the project's config and ends with one plain summary line
// ("Tests: N passed, N failed, N skipped") that CI log readers understand.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-output', { recursive: true });
const result = spawnSync('npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-output/vitest.json', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
try {
  const report = JSON.parse(readFileSync('test-output/vitest.json', 'utf8'));
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('Tests: 0 passed, 1 failed');
}
process.exit(result.status ?? 1);
