/**
 * Flow control for preview frames, the same on every transport (design.md §1): latest wins, with at most one
 * frame the consumer has not acknowledged. A frame produced while one is in flight waits in a one-slot hold,
 * replacing whatever waited there, so a slow consumer skips frames yet always ends on the newest one.
 */
export class PreviewCredit<F> {
  #send: (frame: F) => void;
  #inFlight = false;
  #held: F | null = null;

  constructor(send: (frame: F) => void) {
    this.#send = send;
  }

  offer(frame: F): void {
    if (this.#inFlight) {
      this.#held = frame;
      return;
    }
    this.#inFlight = true;
    this.#send(frame);
  }

  /** The consumer is done with the frame in flight (painted or dropped it). */
  ack(): void {
    const held = this.#held;
    this.#held = null;
    this.#inFlight = false;
    if (held !== null) this.offer(held);
  }
}

/**
 * The consumer's half: hands a frame to every listener with an ack that counts once, however many of them
 * call it, and acks at once when nobody listens (a frame nobody will paint must not stall the sender).
 */
export function deliverPreview<F>(
  listeners: ReadonlySet<(frame: F, ack: () => void) => void>,
  frame: F,
  sendAck: () => void,
): void {
  let acked = false;
  const ack = () => {
    if (acked) return;
    acked = true;
    sendAck();
  };
  if (listeners.size === 0) return ack();
  for (const listener of listeners) listener(frame, ack);
}
