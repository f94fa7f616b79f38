/**
 * Ctrl-C / SIGTERM / SIGHUP while recording: the signal is passed on to the workload (when
 * it was sent to record alone, e.g. `kill -INT <record pid>`), record waits for the workload
 * to exit and then finishes normally — drain, sidecar, instance removed. A second signal,
 * or a workload that ignores the first for 10 s, gets SIGKILL.
 */
import type { ChildProcess } from 'node:child_process';

export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const KILL_AFTER_MS = 10_000;

export class Interruption {
  signal: NodeJS.Signals | null = null;
  private child: ChildProcess | null = null;
  private readonly waiters: Array<() => void> = [];
  private readonly handlers = new Map<NodeJS.Signals, () => void>();
  private killTimer: NodeJS.Timeout | null = null;

  /** Take over the signals (a process-wide side effect: undone by uninstall()). */
  install(): void {
    for (const sig of HANDLED_SIGNALS) {
      const handler = (): void => this.interrupt(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
  }

  uninstall(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
    if (this.killTimer !== null) clearTimeout(this.killTimer);
  }

  interrupt(sig: NodeJS.Signals): void {
    if (this.signal !== null) {
      this.killChild('SIGKILL');
      return;
    }
    this.signal = sig;
    this.killChild(sig);
    this.killTimer = setTimeout(() => this.killChild('SIGKILL'), KILL_AFTER_MS);
    this.killTimer.unref();
    for (const w of this.waiters.splice(0)) w();
  }

  private killChild(sig: NodeJS.Signals): void {
    const c = this.child;
    if (c !== null && c.exitCode === null && c.signalCode === null) c.kill(sig);
  }

  attach(child: ChildProcess): void {
    this.child = child;
    if (this.signal !== null) this.killChild(this.signal);
  }

  detach(): void {
    this.child = null;
  }

  /** Resolves on the first signal (immediately if one already came). */
  wait(): Promise<void> {
    if (this.signal !== null) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
