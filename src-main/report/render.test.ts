import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportModel } from '../api/index.js';
import { renderReport } from './render.js';
import { sampleReportModel } from './sampleModel.test-fixture.js';

describe('report renderers', () => {
  it('HTML is self-contained, escaped, and carries every section', async () => {
    const html = (await renderReport(sampleReportModel, 'html')).toString('utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(src|href)="https?:/);
    for (const section of ['Summary', 'Mixed against fixed precision', 'Pareto front', 'Bit-width per layer', 'Latency', 'How it was measured', 'Setup']) {
      expect(html).toContain(section);
    }
    // One marker per compared configuration plus the front points.
    expect((html.match(/class="front-point"/g) ?? []).length).toBe(3);
    expect(html).toContain('(unstable)');
    const dir = join(process.cwd(), 'test-output', 'reports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'sample.html'), html);
  });

  it('CSV has one quoted row per configuration', async () => {
    const csv = (await renderReport(sampleReportModel, 'csv')).toString('utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(1 + sampleReportModel.compared.length + sampleReportModel.front.length);
    expect(lines[0]).toContain('accuracy');
    expect(lines[1]).toContain('Mixed (chosen)');
    expect(lines[1]).toContain('block1.conv_a=W4A8');
  });

  it('JSON round-trips through the schema', async () => {
    const json = JSON.parse((await renderReport(sampleReportModel, 'json')).toString('utf8'));
    expect(ReportModel.parse(json)).toEqual(sampleReportModel);
  });

  it('PDF prints through Chromium and has pages', async () => {
    const pdf = await renderReport(sampleReportModel, 'pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'bb-pdf-'));
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const info = execFileSync('pdfinfo', [join(dir, 'r.pdf')], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeGreaterThanOrEqual(1);
    const out = join(process.cwd(), 'test-output', 'reports');
    mkdirSync(out, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', join(dir, 'r.pdf'), join(out, 'sample-pdf')]);
    expect(existsSync(join(out, 'sample-pdf-1.png'))).toBe(true);
  });
});
