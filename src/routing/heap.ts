/**
 * A binary min-heap of node ids keyed by number, with decrease-key.
 * Capacity is fixed at construction; everything lives in typed arrays so a
 * search allocates nothing. `clear()` is O(size), not O(capacity).
 */
export class NodeHeap {
  private readonly ids: Uint32Array;
  private readonly keys: Float64Array;
  /** Position of each id in the heap, or -1. */
  private readonly position: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.ids = new Uint32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.position[this.ids[i]!] = -1;
    this.size = 0;
  }

  contains(id: number): boolean {
    return this.position[id]! >= 0;
  }

  /** The key of `id`, or Infinity when it is not in the heap. */
  keyOf(id: number): number {
    const i = this.position[id]!;
    return i < 0 ? Infinity : this.keys[i]!;
  }

  minKey(): number {
    return this.size > 0 ? this.keys[0]! : Infinity;
  }

  /** Inserts `id` or lowers its key; a higher key than the current one is ignored. */
  push(id: number, key: number): void {
    let i = this.position[id]!;
    if (i < 0) {
      i = this.size++;
    } else if (key >= this.keys[i]!) {
      return;
    }
    this.siftUp(i, id, key);
  }

  /** Sets the key of `id`, inserting it, raising or lowering it as needed. */
  set(id: number, key: number): void {
    const i = this.position[id]!;
    if (i < 0) this.siftUp(this.size++, id, key);
    else if (key < this.keys[i]!) this.siftUp(i, id, key);
    else this.siftDown(i, id, key);
  }

  /** Removes and returns the id with the smallest key; read its key first with minKey(). */
  pop(): number {
    const ids = this.ids;
    const top = ids[0]!;
    this.position[top] = -1;
    const last = --this.size;
    if (last > 0) this.siftDown(0, ids[last]!, this.keys[last]!);
    return top;
  }

  private siftUp(i: number, id: number, key: number): void {
    const { ids, keys, position } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentKey = keys[parent]!;
      if (parentKey <= key) break;
      const parentId = ids[parent]!;
      ids[i] = parentId;
      keys[i] = parentKey;
      position[parentId] = i;
      i = parent;
    }
    ids[i] = id;
    keys[i] = key;
    position[id] = i;
  }

  private siftDown(i: number, id: number, key: number): void {
    const { ids, keys, position } = this;
    const size = this.size;
    const half = size >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let childKey = keys[child]!;
      const right = child + 1;
      if (right < size && keys[right]! < childKey) {
        child = right;
        childKey = keys[right]!;
      }
      if (childKey >= key) break;
      const childId = ids[child]!;
      ids[i] = childId;
      keys[i] = childKey;
      position[childId] = i;
      i = child;
    }
    ids[i] = id;
    keys[i] = key;
    position[id] = i;
  }
}
