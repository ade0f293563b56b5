/**
 * Debian's Chromium driven by playwright-core (Playwright's own browser downloads are not available
 * here). Flags keep it from reaching for the network at start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from './webMode.js';

export const CHROMIUM_PATH = process.env.BITBENCH_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Folder where end-to-end tests keep their screenshots (a CI artifact). */
export function screenshotDir(): string {
  const dir = join(projectRoot, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
