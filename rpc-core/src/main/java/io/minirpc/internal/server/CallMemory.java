package io.minirpc.internal.server;

/**
 * What one call holds of its connection's memory, from admission until the last byte of its
 * answer is written: its metadata (and the call's own objects) for its whole life; its decoded
 * arguments until its answer is encoded, plus whatever more decoding {@link #grow took}; then its
 * encoded answer until it has been written, or the connection is gone. Thread-safe.
 */
final class CallMemory {
  /** {@link #grow}: taken; no room in the budgets; the call has ended, so nothing more is taken. */
  static final int TAKEN = 0;
  static final int NO_ROOM = 1;
  static final int ENDED = 2;

  private final ConnectionMemory connection;
  /** Held until the call ends. */
  private final long fixed;
  /** Guarded by this: held for the decoded arguments until the answer is encoded. */
  private long arguments;
  /** Guarded by this: the encoded answer's bytes, held until it is written. */
  private long answer;
  /** Guarded by this: what its answer is expected to hold, counted from its start until it is. */
  private long expected;
  /** Guarded by this. */
  private boolean ended;

  /**
   * @param fixed bytes taken for the call's life (its metadata and the call itself)
   * @param arguments bytes taken for its decoded arguments
   */
  CallMemory(ConnectionMemory connection, long fixed, long arguments) {
    this.connection = connection;
    this.fixed = fixed;
    this.arguments = arguments;
  }

  /** Bytes held for the decoded arguments now: what decoding may allocate without asking. */
  synchronized long arguments() {
    return arguments;
  }

  /** Decoding needs {@code bytes} more than it holds: takes them if both budgets have room. */
  synchronized int grow(long bytes) {
    if (ended) {
      return ENDED;
    }
    if (connection.take(bytes) != ConnectionMemory.TAKEN) {
      return NO_ROOM;
    }
    arguments += bytes;
    return TAKEN;
  }

  /**
   * The call starts: until its answer is encoded, its connection counts {@code bytes} for it, the
   * size its method's answers have had ({@link ServerMethod#answerEstimate}).
   */
  void expectAnswer(long bytes) {
    synchronized (this) {
      if (ended || expected > 0) {
        return;
      }
      expected = bytes;
    }
    connection.expectAnswer(bytes);
  }

  /** Gives back what {@link #expectAnswer} counted; under this. */
  private long takeExpected() {
    long e = expected;
    expected = 0;
    return e;
  }

  /**
   * The answer is encoded, {@code bytes} of it: the arguments are garbage now, the answer waits
   * in memory until it is written. Counted whether it fits or not: it is in memory already, and
   * the connection runs no more of its calls while its answers hold more than their share.
   */
  void answered(int bytes) {
    long free;
    long wasExpected;
    synchronized (this) {
      if (ended) {
        return;
      }
      free = arguments;
      arguments = 0;
      answer = bytes;
      wasExpected = takeExpected();
    }
    connection.holdAnswer(bytes);
    connection.answerArrived(wasExpected);
    if (free > 0) {
      connection.release(free);
    }
  }

  /** The call has ended, its answer written or not: gives back all it holds, once. */
  void release() {
    long free;
    long written;
    long wasExpected;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      free = fixed + arguments;
      written = answer;
      wasExpected = takeExpected();
    }
    connection.answerArrived(wasExpected);
    if (written > 0) {
      connection.answerWritten(written);
    }
    if (free + written > 0) {
      connection.release(free + written);
    }
  }
}
