// Types for the plain-JS DOM helpers, so TypeScript tests can import them (the browser never loads this).
export declare function h(tag: string, attrs?: Record<string, unknown> | null, ...children: unknown[]): HTMLElement;
export declare function setRows(tbody: HTMLTableSectionElement, rows: HTMLElement[], emptyText: string, columns: number): void;
export declare function formatDuration(seconds: number): string;
export declare function num(n: unknown): string;
export declare function timeOfDay(iso: string): string;
