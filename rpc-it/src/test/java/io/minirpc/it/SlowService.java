package io.minirpc.it;

import io.minirpc.Timeout;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Slow methods, to test what happens when callers stop waiting. */
public interface SlowService {
  /** Works for {@code millis} in small steps; returns how long it worked. */
  long work(long millis);

  /** {@link #work} under a per-method timeout far shorter than the client's default. */
  @Timeout(millis = 200)
  long workWithShortTimeout(long millis);

  /** {@link #work}, called asynchronously. */
  CompletableFuture<Long> workAsync(long millis);

  /** What the server knows of this call: metadata, and "remote", "deadlineMillis" entries. */
  Map<String, String> context();

  /** {@code RpcContext.current().remaining()} on the server, in milliseconds; -1 for none. */
  long remainingMillis();

  /** Calls {@link #work} on the server at {@code port}, from inside this call. */
  long relay(int port, long millis);

  /**
   * {@link #relay}, with the calls to the server at {@code port} made in a {@code CallDeadline}
   * scope of {@code scopeMillis}: "remaining=" and its {@link #remainingMillis}, "; ", then what
   * its {@link #work} returned or the message it failed with.
   */
  String relayInScope(int port, long millis, long scopeMillis);
}
