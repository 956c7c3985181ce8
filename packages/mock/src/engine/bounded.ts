// A Map with a size cap: past it the oldest entry (insertion order) is dropped. Every engine map is one.
export class BoundedMap<K, V> extends Map<K, V> {
  evicted = 0;
  constructor(readonly cap: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!super.has(key) && this.size >= this.cap) {
      const oldest = this.keys().next();
      if (!oldest.done) {
        super.delete(oldest.value);
        this.evicted++;
      }
    }
    return super.set(key, value);
  }
}
