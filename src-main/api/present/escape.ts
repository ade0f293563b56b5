/** Escaping for text placed into HTML and SVG markup; every value from a run passes through here. */
export function escapeXml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
