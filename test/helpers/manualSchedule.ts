/** The server's periodic work and clock, stepped by the test instead of by time passing. */
import type { Now, Repeat } from '../../server/schedule.js';

export class ManualSchedule {
  private readonly tasks = new Set<{ ms: number; tick: () => void }>();
  private time = 0;

  readonly repeat: Repeat = (ms, tick) => {
    const task = { ms, tick };
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  };

  readonly now: Now = () => this.time;

  /** Intervals of the work currently scheduled, in ms. */
  intervals(): number[] {
    return [...this.tasks].map((t) => t.ms);
  }

  /** Runs `times` rounds of the work scheduled every `ms`, as if that much time had passed for it. */
  tick(ms: number, times = 1): void {
    for (let i = 0; i < times; i++) for (const task of [...this.tasks]) if (task.ms === ms) task.tick();
  }

  /** Moves the clock on. */
  advance(ms: number): void {
    this.time += ms;
  }
}
