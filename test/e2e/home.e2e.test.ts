import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotDir } from '../support/browser.js';
import { startWebMode, type RunningWebMode } from '../support/webMode.js';

describe('home screen in web mode (Chromium)', () => {
  let web: RunningWebMode;
  let browser: Browser;
  beforeAll(async () => {
    web = await startWebMode();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('shows the app name, the version and the lists fed from the API', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(web.url);
    const info = (await (await fetch(web.url + 'api/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method: 'app.info', input: {} }) })).json()) as { result: { version: string; home: string } };
    await expect.poll(() => page.getByTestId('app-version').textContent()).toContain(`version ${info.result.version}`);
    expect(await page.locator('h1').textContent()).toBe('Bitbench');
    expect(await page.getByTestId('runs-empty').textContent()).toContain('No runs yet');
    expect(await page.getByTestId('devices-list').textContent()).toContain('this computer');
    expect(await page.locator('body').textContent()).toContain(info.result.home);
    await page.screenshot({ path: join(screenshotDir(), 'home.png'), fullPage: true });
    expect(consoleErrors, consoleErrors.join("\n")).toEqual([]);
  });
});
