package io.minirpc.internal.protocol;

/**
 * The clocks of the reserved frame still arriving on one connection, which the memory budget
 * reads to close a connection that holds memory for a frame it stopped sending, or sends too
 * slowly (see {@link FrameMemory#stalledSince} and {@link FrameMemory#frameStarted}). The time
 * the server itself does not read (its answers are not being read, or it waits for memory) is not
 * the peer's: when reading resumes, the clocks go on from where they stopped. Event loop only.
 */
final class ArrivalClock {
  /** A frame still arriving has advanced when this many more of its bytes are in. */
  private static final int PROGRESS = 64 * 1024;

  private final FrameMemory memory;
  /** The reserved frame at the reader index is still arriving: since when, with how many bytes. */
  private boolean arriving;
  private long since;
  private int frameBytes;
  private int markBytes;
  /** When the server stopped reading, or 0 while it reads. */
  private long stoppedAt;

  ArrivalClock(FrameMemory memory) {
    this.memory = memory;
  }

  /** The reserved frame of {@code frameBytes} bytes is not all in: {@code have} bytes are. */
  void advancing(int have, int frameBytes) {
    if (arriving && have - markBytes < PROGRESS) {
      return;
    }
    long now = System.nanoTime();
    if (!arriving) {
      arriving = true;
      since = now;
      this.frameBytes = frameBytes;
      memory.frameStarted(now, frameBytes);
    }
    markBytes = have;
    memory.stalledSince(now);
  }

  /** The frame that was arriving is all in. */
  void arrived() {
    if (arriving) {
      arriving = false;
      memory.stalledSince(0);
    }
  }

  /** The server stopped reading this connection. */
  void stopped() {
    if (stoppedAt == 0) {
      stoppedAt = System.nanoTime();
    }
  }

  /** The server reads this connection again: the time it did not is taken off the clocks. */
  void resumed() {
    if (stoppedAt == 0) {
      return;
    }
    long now = System.nanoTime();
    long stoppedFor = now - stoppedAt;
    stoppedAt = 0;
    if (arriving) {
      since += stoppedFor;
      memory.frameStarted(since, frameBytes);
      memory.stalledSince(now);
    }
  }
}
