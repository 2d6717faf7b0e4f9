/**
 * Terminal output: colours, tables and progress bars, each switched off when it would get in the way.
 *
 * - Colour is on only when stdout is a terminal, `NO_COLOR` is unset or empty, and no `--json` was given.
 *   `FORCE_COLOR` (non-empty, not `0`) turns it on for a pipe; `NO_COLOR` still wins.
 * - A progress bar is drawn on stderr only when both stdout and stderr are terminals and no `--json` was
 *   given, and only once a task has run for a second: short runs print nothing extra.
 */
import cliProgress from "cli-progress";
import Table from "cli-table3";
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export interface UiOptions {
  /** `--json` was given: no colour, no progress bar. */
  readonly json?: boolean;
}

/** Whether colour is on for this process and these options (see the module comment). */
export function colorEnabled(options: UiOptions = {}, env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
  if (options.json) return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  return isTTY;
}

/** Whether progress bars may be drawn. */
export function progressEnabled(options: UiOptions = {}): boolean {
  return !options.json && process.stdout.isTTY === true && process.stderr.isTTY === true;
}

/** A progress reporter; a no-op when bars are off or the task ends within a second. */
export interface Progress {
  /** Sets the current value (0…total) and optionally the label. */
  update(value: number, label?: string): void;
  /** Changes the total (e.g. when a phase's size becomes known). */
  setTotal(total: number): void;
  /** Removes the bar. Call once, also on failure. */
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, setTotal() {}, stop() {} };
const SHOW_AFTER_MS = 1000;

class DeferredBar implements Progress {
  private bar: cliProgress.SingleBar | undefined;
  private readonly started = Date.now();
  private value = 0;
  private label: string;

  constructor(
    private total: number,
    label: string,
  ) {
    this.label = label;
  }

  update(value: number, label?: string): void {
    this.value = value;
    if (label !== undefined) this.label = label;
    if (this.bar === undefined) {
      if (Date.now() - this.started < SHOW_AFTER_MS) return;
      this.bar = new cliProgress.SingleBar(
        {
          format: "{bar} {percentage}% | {label} | {duration_formatted}",
          barsize: 30,
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, this.value, { label: this.label });
      return;
    }
    this.bar.update(this.value, { label: this.label });
  }

  setTotal(total: number): void {
    this.total = total;
    this.bar?.setTotal(total);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** One table: a header row and rows; `align` per column (`"r"` right, else left). */
export interface TableSpec {
  readonly head: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly align?: readonly ("l" | "r")[];
}

export interface Ui {
  readonly c: Colors;
  readonly color: boolean;
  readonly json: boolean;
  /** Writes a line (or lines) to stdout. */
  print(text?: string): void;
  /** Writes a line to stderr. */
  note(text: string): void;
  /** Renders a table as text (box drawing, header in bold). */
  table(spec: TableSpec): string;
  /** A progress bar for a task of `total` steps (see `progressEnabled`). */
  progress(total: number, label: string): Progress;
}

export function createUi(options: UiOptions = {}): Ui {
  const color = colorEnabled(options);
  const c = pc.createColors(color);
  const showProgress = progressEnabled(options);
  return {
    c,
    color,
    json: options.json === true,
    print(text = "") {
      process.stdout.write(`${text}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
    table(spec) {
      const table = new Table({
        head: spec.head.map((h) => c.bold(h)),
        style: { head: [], border: [], "padding-left": 1, "padding-right": 1, compact: true },
        colAligns: spec.align?.map((a) => (a === "r" ? "right" : "left")) ?? [],
      });
      for (const row of spec.rows) table.push([...row]);
      return table.toString();
    },
    progress(total, label) {
      return showProgress ? new DeferredBar(total, label) : NO_PROGRESS;
    },
  };
}
