package io.minirpc.runtime;

/** The per-thread stack behind {@code io.minirpc.CallDeadline}. */
public final class OutgoingDeadline {
  private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();
  /**
   * The farthest a deadline is put, about 146 years: {@code nanoTime} arithmetic must not overflow,
   * and no call waits that long.
   */
  private static final long MAX_NANOS = Long.MAX_VALUE / 2;

  private OutgoingDeadline() {}

  /** One scope: the earliest of its own deadline and the enclosing scope's. */
  public static final class Frame {
    private final Frame parent;
    /** On the {@link System#nanoTime()} clock. */
    private final long deadlineNanos;
    private boolean popped;

    private Frame(Frame parent, long deadlineNanos) {
      this.parent = parent;
      this.deadlineNanos = deadlineNanos;
    }

    /** Nanoseconds left until this scope's deadline; zero or negative once it has passed. */
    public long remainingNanos() {
      return deadlineNanos - System.nanoTime();
    }

    /** Closes this scope; closing it twice is a no-op, closing it out of order an error. */
    public void pop() {
      if (popped) {
        return;
      }
      Scopes.pop(TOP, this, parent, "CallDeadline");
      popped = true;
    }
  }

  /**
   * Opens a scope whose deadline is {@code nanos} from now (zero or negative: already passed),
   * or the enclosing scope's if that is earlier.
   */
  public static Frame push(long nanos) {
    long now = System.nanoTime();
    long deadline = now + Math.max(-MAX_NANOS, Math.min(nanos, MAX_NANOS));
    Frame parent = TOP.get();
    if (parent != null && parent.deadlineNanos - deadline < 0) {
      deadline = parent.deadlineNanos; // an inner scope shortens, never lengthens
    }
    Frame f = new Frame(parent, deadline);
    TOP.set(f);
    return f;
  }

  /** The innermost open scope, or {@code null}: one ThreadLocal read, nothing allocated. */
  public static Frame current() {
    return TOP.get();
  }
}
