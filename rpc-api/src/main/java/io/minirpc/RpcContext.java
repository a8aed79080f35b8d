package io.minirpc;

import io.minirpc.runtime.CurrentCall;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What server code can know about the call it is running: its deadline, whether the caller gave up,
 * who called, and the metadata the caller sent.
 *
 * <pre>{@code
 * public Report build(String id) {
 *   RpcContext call = RpcContext.current();
 *   for (Part p : parts(id)) {
 *     if (call.isCancelled()) {
 *       throw new IllegalStateException("caller gave up");   // nobody will read the result
 *     }
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #current()} answers on the thread that runs the implementation, for the duration of the
 * method call. An implementation that returns a {@code CompletableFuture} and finishes on another
 * thread should read the context first and keep it. Outside a call, {@code current()} returns an
 * empty context: no deadline, never cancelled, no caller, no metadata.
 *
 * <p>A call that a server implementation makes to another service, on the same thread, inherits
 * the remaining deadline: it times out no later than the call being served.
 */
public final class RpcContext {
  private static final RpcContext EMPTY = new RpcContext(null);

  /** The call this context shows, or {@code null} for the empty context. */
  private final CurrentCall.Context call;

  private RpcContext(CurrentCall.Context call) {
    this.call = call;
  }

  /**
   * The context of the call running on this thread, or an empty context outside a call. Never
   * {@code null}.
   */
  public static RpcContext current() {
    CurrentCall.Context c = CurrentCall.get();
    return c == null ? EMPTY : new RpcContext(c);
  }

  /**
   * When the caller stops waiting: the time the request arrived plus the timeout it carried. Empty
   * outside a call.
   */
  public Optional<Instant> deadline() {
    if (call == null) {
      return Optional.empty();
    }
    long left = call.remainingNanos();
    return left == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.now().plusNanos(left));
  }

  /**
   * Time left until the {@link #deadline()}, zero once it has passed; empty when there is no
   * deadline.
   */
  public Optional<Duration> remaining() {
    if (call == null || call.remainingNanos() == Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(0, call.remainingNanos())));
  }

  /**
   * True once the caller has given up: it cancelled the call, timed out, or the deadline passed,
   * or its connection closed. The result of a cancelled call is never delivered, so long work can
   * check this and stop. The thread running a cancelled call is also interrupted.
   */
  public boolean isCancelled() {
    return call != null && call.isCancelled();
  }

  /** The address of the client that made the call; empty outside a call. */
  public Optional<SocketAddress> remoteAddress() {
    return call == null ? Optional.empty() : Optional.ofNullable(call.remoteAddress());
  }

  /**
   * The metadata the caller sent with the call ({@code RpcClient.Builder.metadata}); unmodifiable,
   * empty when there is none.
   */
  public Map<String, String> metadata() {
    return call == null ? Map.of() : call.metadata();
  }

  @Override
  public String toString() {
    return call == null ? "RpcContext(none)" : "RpcContext(" + call + ")";
  }
}
