// Types for the plain-JS chart module, so TypeScript tests can import it (the browser never loads this).
export declare const PALETTE: string[];
export declare function niceCeil(v: number): number;
export declare function formatTick(v: number): string;
export declare class LineChart {
  constructor(canvas: HTMLCanvasElement, legend: HTMLElement | null, opts?: { windowSize?: number });
  push(time: number, values: Record<string, number>): void;
  draw(): void;
}
