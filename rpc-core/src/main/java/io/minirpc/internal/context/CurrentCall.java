package io.minirpc.internal.context;

import io.minirpc.RpcContext;

/** The context of the call running on the current thread; set by the server around each call. */
public final class CurrentCall {
  private static final ThreadLocal<RpcContext> CURRENT = new ThreadLocal<>();

  private CurrentCall() {}

  /** The current call's context, or {@code null} outside a call. */
  public static RpcContext get() {
    return CURRENT.get();
  }

  /** Makes {@code context} current and returns what was current before, to restore it. */
  public static RpcContext enter(RpcContext context) {
    RpcContext previous = CURRENT.get();
    CURRENT.set(context);
    return previous;
  }

  /** Restores what {@link #enter} returned. */
  public static void exit(RpcContext previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }

  /**
   * Nanoseconds left until the current call's deadline, or {@code Long.MAX_VALUE} when there is no
   * call or no deadline. Used to bound calls made from inside a server call.
   */
  public static long remainingNanos() {
    RpcContext c = CURRENT.get();
    if (c instanceof Deadlined d) {
      return d.remainingNanos();
    }
    return Long.MAX_VALUE;
  }

  /** A context that knows its deadline on the {@link System#nanoTime()} clock. */
  public interface Deadlined {
    /** Nanoseconds left, possibly negative; {@code Long.MAX_VALUE} when there is no deadline. */
    long remainingNanos();
  }
}
