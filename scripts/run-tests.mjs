#!/usr/bin/env node
// Runs Vitest with the project's config and ends with one plain summary line
// ("Tests: N passed, N failed, N skipped") that CI log readers understand.
// The tests' scratch directories (models, stores, sshd homes, browser profiles) go under one
// temporary root (TMPDIR), removed after a passing run and kept, with its path printed, after a
// failing one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

mkdirSync('test-output', { recursive: true });
const scratch = mkdtempSync(join(tmpdir(), 'bitbench-tests-'));
const result = spawnSync('npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-output/vitest.json', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: scratch },
});
if (result.status === 0) rmSync(scratch, { recursive: true, force: true });
else console.log(`Scratch files of the tests kept in ${scratch}`);
try {
  const report = JSON.parse(readFileSync('test-output/vitest.json', 'utf8'));
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('Tests: 0 passed, 1 failed');
}
process.exit(result.status ?? 1);
