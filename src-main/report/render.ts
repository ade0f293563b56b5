/** One entry point for every report format. */
import type { ReportFormat, ReportModel } from '../api/index.js';
import { renderCsvReport } from './csv.js';
import { renderHtmlReport } from './html.js';
import { printWithChromium, type PdfPrinter } from './pdf.js';

/** Renders a report model in the given format; PDF uses the given printer (Chromium by default). */
export async function renderReport(model: ReportModel, format: ReportFormat, printer: PdfPrinter = printWithChromium): Promise<Buffer> {
  switch (format) {
    case 'html':
      return Buffer.from(renderHtmlReport(model), 'utf8');
    case 'csv':
      return Buffer.from(renderCsvReport(model), 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(model, null, 2) + '\n', 'utf8');
    case 'pdf':
      return printer(renderHtmlReport(model));
  }
}

export { renderHtmlReport, renderCsvReport, printWithChromium, type PdfPrinter };
