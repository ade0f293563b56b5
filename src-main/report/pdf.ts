/**
 * PDF report: the HTML report printed by Chromium. The desktop app passes its own printer
 * (webContents.printToPDF); the CLI and web mode use headless Chromium through playwright-core.
 */
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { BitbenchError } from '../api/index.js';

export type PdfPrinter = (html: string) => Promise<Buffer>;

export const DEFAULT_CHROMIUM = process.env.BITBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Prints HTML to an A4 PDF with headless Chromium. */
export const printWithChromium: PdfPrinter = async (html) => {
  if (!existsSync(DEFAULT_CHROMIUM)) {
    throw new BitbenchError('NOT_FOUND', `Chromium was not found at ${DEFAULT_CHROMIUM}; it prints PDF reports.`, 'Install it (apt-get install chromium) or set BITBENCH_CHROMIUM to its path; HTML, CSV and JSON reports work without it.');
  }
  const browser = await chromium.launch({
    executablePath: DEFAULT_CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
};
