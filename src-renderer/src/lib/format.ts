/** Number formatting for the UI: the same functions the reports use, so figures agree everywhere. */
export { formatBytes, formatCount, formatDb, formatMs, formatPercent, formatCost } from '@api/present/format';
