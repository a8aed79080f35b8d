package io.minirpc.internal.transport;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * A stream's items, encoded, that wait for credit or a writable socket: counted in the sender's
 * memory budget from when they are held until they are written or dropped. Not thread-safe: its
 * stream guards it.
 */
final class HeldItems {
  private final ArrayDeque<ByteBuf> frames = new ArrayDeque<>();
  private final SenderBudget memory;
  private long bytes;
  /** The largest item so far, to ask for no more items than the bytes granted hold. */
  private int largest;

  HeldItems(SenderBudget memory) {
    this.memory = memory;
  }

  /** Holds {@code frame}, which this now owns. */
  void add(ByteBuf frame) {
    int size = frame.readableBytes();
    frames.add(frame);
    bytes += size;
    largest = Math.max(largest, size);
    memory.hold(size); // whatever the budget says: it is in memory already
  }

  /** The next item to write, which the caller now owns; its memory is given back. */
  ByteBuf poll() {
    ByteBuf next = frames.poll();
    int size = next.readableBytes();
    bytes -= size;
    memory.release(size);
    return next;
  }

  /** The size of the next item; the queue must not be empty. */
  int peekSize() {
    return frames.peek().readableBytes();
  }

  /** Drops every item and gives back their memory. */
  void clear() {
    long free = 0;
    for (ByteBuf b : frames) {
      free += b.readableBytes();
      b.release();
    }
    frames.clear();
    bytes = 0;
    if (free > 0) {
      memory.release(free);
    }
  }

  boolean isEmpty() {
    return frames.isEmpty();
  }

  int size() {
    return frames.size();
  }

  long bytes() {
    return bytes;
  }

  int largest() {
    return largest;
  }

  /** Whether the sender's unwritten frames hold more than their share of its memory. */
  boolean overShare() {
    return memory.overShare();
  }
}
