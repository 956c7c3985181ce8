// A Map with a size cap: past it the oldest entry (insertion order) is dropped. Every engine map is one.
// With a journal attached, every write during a request records its undo (see journal.ts).
import type { Journal } from './journal.js';

export class BoundedMap<K, V> extends Map<K, V> {
  evicted = 0;
  journal?: Journal;
  constructor(readonly cap: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!super.has(key) && this.size >= this.cap) {
      const oldest = this.keys().next();
      if (!oldest.done) {
        this.delete(oldest.value);
        this.evicted++;
      }
    }
    this.remember(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    if (super.has(key)) this.remember(key);
    return super.delete(key);
  }

  private remember(key: K): void {
    if (!this.journal?.active) return;
    const had = super.has(key);
    const prev = super.get(key);
    this.journal.onUndo(() => (had ? super.set(key, prev as V) : super.delete(key)));
  }
}
