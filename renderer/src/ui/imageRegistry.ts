/**
 * Decoded images live here, outside the store (which holds plain data only): the store names an image by
 * key, the canvas looks the bitmap up. A few are kept (flipping between versions and comparing two must not
 * decode again); beyond `capacity` the least recently used ones that are not pinned are freed.
 */
export type Closable = { close(): void };

export class ImageRegistry<T extends Closable = ImageBitmap> {
  readonly #images = new Map<string, T>();
  readonly #listeners = new Set<() => void>();
  #pinned = new Set<string>();

  constructor(readonly capacity = 12) {}

  get(key: string | undefined | null): T | undefined {
    return key ? this.#images.get(key) : undefined;
  }

  has(key: string): boolean {
    return this.#images.has(key);
  }

  /** Adds (or replaces) an image; the oldest unpinned ones beyond capacity are closed. */
  put(key: string, image: T): void {
    const old = this.#images.get(key);
    if (old && old !== image) old.close();
    this.#images.delete(key);
    this.#images.set(key, image);
    this.#evict();
    this.#emit();
  }

  /** Keys that must stay decoded (what is on screen), whatever the capacity. */
  pin(keys: Iterable<string>): void {
    this.#pinned = new Set(keys);
    for (const key of this.#pinned) {
      const image = this.#images.get(key);
      if (image) {
        this.#images.delete(key);
        this.#images.set(key, image);
      }
    }
    this.#evict();
  }

  /** Makes `image` the only one held; the others are closed. */
  replaceAll(key: string, image: T): void {
    for (const [k, old] of this.#images) if (k !== key) old.close();
    this.#images.clear();
    this.#images.set(key, image);
    this.#emit();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #evict(): void {
    for (const [key, image] of this.#images) {
      if (this.#images.size <= this.capacity) break;
      if (this.#pinned.has(key)) continue;
      image.close();
      this.#images.delete(key);
    }
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }
}
