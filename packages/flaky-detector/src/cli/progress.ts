import type { CommandIo } from './command.js';

/** A progress indicator for long CLI work (merging stores, reports over large histories). */
export interface Progress {
  /** Count `by` more items done (default 1). */
  advance(by?: number): void;
  /** Mark the work finished: the bar is completed and its line ended. */
  done(): void;
}

/** How often a terminal bar is redrawn at most. */
const REDRAW_MS = 100;
const BAR_WIDTH = 28;
/** Plain (non-terminal) output prints a line every this many percent. */
const PLAIN_STEP_PERCENT = 10;

/**
 * A progress bar on `io.stderr`: redrawn in place on one line when stderr is a terminal, and as a
 * plain line every 10 % otherwise (CI logs keep every line, so a redrawn bar would flood them).
 * Stdout stays free for the command's result.
 *
 * @example
 * const progress = startProgress(io, 'Merging', totalRuns, 'runs');
 * for (const run of runs) { await copy(run); progress.advance(); }
 * progress.done();
 */
export function startProgress(io: CommandIo, label: string, total: number, unit: string): Progress {
  let count = 0;
  let lastDraw = 0;
  let lastStep = -1;
  let finished = false;
  const percentOf = (value: number): number => (total <= 0 ? 100 : Math.min(100, Math.floor((value / total) * 100)));
  const describe = (): string => `${count.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}`;

  const draw = (force: boolean): void => {
    const percent = percentOf(count);
    if (io.isTTY) {
      const now = Date.now();
      if (!force && now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const filled = Math.round((percent / 100) * BAR_WIDTH);
      io.stderr(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${describe()}`);
      return;
    }
    const step = Math.floor(percent / PLAIN_STEP_PERCENT);
    if (!force && step === lastStep) return;
    lastStep = step;
    io.stderr(`${label}: ${describe()} (${percent}%)\n`);
  };

  draw(true);
  return {
    advance(by = 1) {
      if (finished) return;
      count += by;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      count = Math.max(count, total);
      if (io.isTTY) {
        draw(true);
        io.stderr('\n');
      } else if (lastStep !== Math.floor(percentOf(count) / PLAIN_STEP_PERCENT)) draw(true);
    },
  };
}
