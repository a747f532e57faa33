import cliProgress from 'cli-progress';

/** A progress bar on stderr for long steps; silent when stderr is not a terminal. */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;

  constructor(private readonly enabled = process.stderr.isTTY === true) {}

  /** Starts a bar for a step of `total` units. */
  start(label: string, total: number): void {
    this.stop();
    if (!this.enabled) return;
    this.bar = new cliProgress.SingleBar(
      { format: `${label.padEnd(22)} [{bar}] {percentage}% | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }

  update(done: number, total?: number): void {
    if (!this.bar) return;
    if (total !== undefined) this.bar.setTotal(total);
    this.bar.update(done);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
