/** PDF reports in the desktop app: the HTML report printed by an offscreen window (webContents.printToPDF). */
import { BrowserWindow } from 'electron';

export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, margins: { top: 0.55, bottom: 0.55, left: 0.47, right: 0.47 } });
  } finally {
    win.destroy();
  }
}
