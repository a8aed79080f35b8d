package io.minirpc.it;

import io.minirpc.Timeout;
import java.util.concurrent.CompletableFuture;

/** Methods that stop as soon as their caller gives up, to test what a cancel reaches. */
public interface CancelService {
  /**
   * Loops for {@code millis}; returns {@code -1} as soon as the call is cancelled or its thread
   * interrupted, else {@code millis}.
   */
  @Timeout(millis = 200)
  int annotated(int millis);

  /** {@link #annotated} under the client's default timeout. */
  int plain(int millis);

  /** Completes with {@code millis} after {@code millis}, holding no server thread meanwhile. */
  CompletableFuture<Integer> workAsync(int millis);

  /** Returns {@code n} at once. */
  int echo(int n);
}
