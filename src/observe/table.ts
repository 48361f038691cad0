// Plain-text tables in the style of birdc / gobgp: left-aligned columns separated by two spaces,
// numbers right-aligned, no borders, so output pastes cleanly into tickets and greps well.

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align?: Align;
}

export function renderTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map((r) => line(columns.map((_, i) => r[i] ?? '')))].join('\n') + '\n';
}
