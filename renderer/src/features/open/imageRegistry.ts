/**
 * Decoded images live here, outside the store (which holds plain data only): the store names an image by
 * id, the canvas looks the bitmap up. Replacing an image frees the old bitmap's memory at once.
 */
export type Closable = { close(): void };

export class ImageRegistry<T extends Closable = ImageBitmap> {
  readonly #images = new Map<number, T>();
  readonly #listeners = new Set<() => void>();

  get(id: number | undefined): T | undefined {
    return id === undefined ? undefined : this.#images.get(id);
  }

  /** Makes `image` the only one held; the others are closed. */
  replaceAll(id: number, image: T): void {
    for (const [key, old] of this.#images) {
      if (key !== id) old.close();
    }
    this.#images.clear();
    this.#images.set(id, image);
    for (const l of this.#listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
