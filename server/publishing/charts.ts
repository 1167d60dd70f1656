// Server-rendered SVG bar charts with text alternatives: no JavaScript, no inline styles
// (the CSP forbids them), presentation attributes only.
import { escapeXml } from './xml.js';

export interface Bar {
  label: string;
  /** null: fewer than K_MIN accounts, drawn as a note instead of a bar. */
  value: number | null;
}

export interface BarChart {
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  format(value: number): string;
  kMin: number;
}

export function barChartSvg(chart: BarChart): string {
  // Each label sits on its own line above its bar, so that the chart stays narrow and its text
  // readable when it is scaled down to a 320 px phone (the stylesheet caps its width on desktop).
  const rowHeight = 44;
  const barArea = 290;
  const width = 360;
  const height = chart.bars.length * rowHeight + 4;
  const max = Math.max(1, ...chart.bars.map((b) => b.value ?? 0));
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  const alternative = chart.bars.map((b) => `${b.label}: ${b.value === null ? `fewer than ${chart.kMin}` : chart.format(b.value)}`).join('; ');
  const rows = chart.bars
    .map((bar, i) => {
      const y = i * rowHeight + 2;
      const label = `<text x="0" y="${y + 15}" font-size="14" fill="#1b1b1f">${escapeXml(bar.label)}</text>`;
      if (bar.value === null) {
        return `${label}<text x="0" y="${y + 34}" font-size="13" fill="#4a4a55">fewer than ${chart.kMin}</text>`;
      }
      const w = Math.max(bar.value > 0 ? 2 : 0, Math.round((bar.value / max) * barArea));
      return `${label}<rect x="0" y="${y + 21}" width="${w}" height="16" fill="#7a2e0e"/><text x="${w > 0 ? w + 6 : 0}" y="${y + 34}" font-size="13" fill="#1b1b1f">${escapeXml(chart.format(bar.value))}</text>`;
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeXml(chart.title)}</title><desc id="${descId}">${escapeXml(`${chart.description} ${alternative}.`)}</desc>${rows}</svg>`
  );
}
