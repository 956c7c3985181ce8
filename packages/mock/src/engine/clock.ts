// Virtual clock: the engine's only source of time. Tasks are data (kind + args) so pending work survives a
// state file; the adapter decides who runs due tasks (a ticker in real time, or /_mock/clock/advance).
// Limits that expire (rate windows, stale in-flight locks) also read `realTime()`: they end on virtual or on real
// time, whichever comes first, so a frozen clock can never lock anyone out.
import type { Journal } from './journal.js';

export interface Task {
  at: number;
  seq: number;
  kind: string;
  args: Record<string, unknown>;
}

export interface ClockOptions {
  /** Virtual time at start, ms since epoch. Default: the real time. */
  start?: number;
  /** Virtual ms per real ms. 0 freezes the clock (only `advance` moves it). Default 1. */
  scale?: number;
  /** Real time source (injected so the engine never reads a timer of its own). */
  realNow?: () => number;
  /** Pending tasks kept at most (oldest dropped past it). */
  maxTasks?: number;
}

export class Clock {
  private readonly realNow: () => number;
  private realStart: number;
  private virtualStart: number;
  scale: number;
  private tasks: Task[] = [];
  private seq = 0;
  private readonly maxTasks: number;
  private handlers = new Map<string, (args: Record<string, unknown>) => void>();
  private running = false;
  /** Set by the engine: scheduling and cancelling during a request are undone if it fails. */
  journal?: Journal;

  constructor(opts: ClockOptions = {}) {
    this.realNow = opts.realNow ?? (() => Date.now());
    this.realStart = this.realNow();
    this.virtualStart = opts.start ?? this.realStart;
    this.scale = opts.scale ?? 1;
    this.maxTasks = opts.maxTasks ?? 100_000;
  }

  /** The injected real time source (ms): what limits that must expire on real time too read. */
  realTime(): number {
    return this.realNow();
  }

  now(): number {
    return Math.floor(this.virtualStart + (this.realNow() - this.realStart) * this.scale);
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }

  /** Jump to `at` (never backwards) without running tasks. */
  private setNow(at: number) {
    if (at <= this.now()) return;
    this.virtualStart = at;
    this.realStart = this.realNow();
  }

  on(kind: string, handler: (args: Record<string, unknown>) => void): void {
    this.handlers.set(kind, handler);
  }

  schedule(at: number, kind: string, args: Record<string, unknown> = {}): Task {
    const t: Task = { at, seq: this.seq++, kind, args };
    // Kept sorted by (at, seq); inserts are rare next to reads.
    let i = this.tasks.length;
    while (i > 0 && (this.tasks[i - 1]!.at > at)) i--;
    this.tasks.splice(i, 0, t);
    if (this.tasks.length > this.maxTasks) this.tasks.shift();
    this.journal?.onUndo(() => this.cancel((x) => x === t));
    return t;
  }

  cancel(pred: (t: Task) => boolean): void {
    const before = this.tasks;
    this.tasks = before.filter((t) => !pred(t));
    if (this.tasks.length !== before.length) this.journal?.onUndo(() => (this.tasks = before));
  }

  /** Run every task due at or before now, in order; a task sees now() = its own due time or later. */
  runDue(): number {
    return this.runUntil(this.now());
  }

  /** Move the clock forward by `ms`, running the tasks that fall due on the way. */
  advance(ms: number): number {
    const target = this.now() + Math.max(0, ms);
    const ran = this.runUntil(target);
    this.setNow(target);
    return ran;
  }

  private runUntil(target: number): number {
    if (this.running) return 0;
    this.running = true;
    let ran = 0;
    try {
      while (this.tasks.length && this.tasks[0]!.at <= target) {
        const t = this.tasks.shift()!;
        this.setNow(t.at);
        const h = this.handlers.get(t.kind);
        if (h) h(t.args);
        ran++;
      }
    } finally {
      this.running = false;
    }
    return ran;
  }

  get pending(): number {
    return this.tasks.length;
  }

  snapshot(): { now: string; now_ms: number; scale: number; pending_tasks: number; next_task_at: string | null } {
    const next = this.tasks[0];
    return { now: this.iso(), now_ms: this.now(), scale: this.scale, pending_tasks: this.tasks.length, next_task_at: next ? this.iso(next.at) : null };
  }

  /** Tasks whose kind passes `keep`, for the state file. */
  dump(keep: (kind: string) => boolean = () => true): Task[] {
    return this.tasks.filter((t) => keep(t.kind)).map((t) => ({ ...t, args: { ...t.args } }));
  }

  load(now: number, tasks: Task[]): void {
    this.virtualStart = now;
    this.realStart = this.realNow();
    this.tasks = [...tasks].sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.seq = this.tasks.reduce((m, t) => Math.max(m, t.seq + 1), 0);
  }

  clear(): void {
    this.tasks = [];
  }
}
