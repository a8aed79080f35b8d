package io.minirpc.runtime;

import java.net.SocketAddress;
import java.util.Map;

/** The server call running on the current thread; set by the server around each call. */
public final class CurrentCall {
  private static final ThreadLocal<Context> CURRENT = new ThreadLocal<>();

  private CurrentCall() {}

  /** What a server call knows of itself; {@code io.minirpc.RpcContext} shows it to users. */
  public interface Context {
    /** Nanoseconds left, possibly negative; {@code Long.MAX_VALUE} when there is no deadline. */
    long remainingNanos();

    boolean isCancelled();

    /** The caller's address, or {@code null} if unknown. */
    SocketAddress remoteAddress();

    /** Unmodifiable. */
    Map<String, String> metadata();
  }

  /** The current call, or {@code null} outside a call. */
  public static Context get() {
    return CURRENT.get();
  }

  /** Makes {@code context} current and returns what was current before, to restore it. */
  public static Context enter(Context context) {
    Context previous = CURRENT.get();
    CURRENT.set(context);
    return previous;
  }

  /** Restores what {@link #enter} returned. */
  public static void exit(Context previous) {
    // Set, not removed when null: the thread keeps its entry, and the next enter makes none.
    CURRENT.set(previous);
  }

  /**
   * Nanoseconds left until the current call's deadline, or {@code Long.MAX_VALUE} when there is no
   * call or no deadline. Used to bound calls made from inside a server call.
   */
  public static long remainingNanos() {
    Context c = CURRENT.get();
    return c == null ? Long.MAX_VALUE : c.remainingNanos();
  }
}
