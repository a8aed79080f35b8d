package io.minirpc;

import io.minirpc.runtime.OutgoingMetadata;
import java.util.Map;

/**
 * Metadata for the calls the current thread makes while a scope is open, added to what the client
 * sends with every call ({@code RpcClient.Builder.metadata}); a key set here wins. The server reads
 * it with {@link RpcContext#metadata()}.
 *
 * <pre>{@code
 * try (CallMetadata.Scope scope = CallMetadata.with("request-id", requestId)) {
 *   orders.place(order);          // sends request-id
 *   inventory.reserve(order);     // and so does this
 * }
 * }</pre>
 *
 * <p>Scopes nest; closing one restores what was there before. A scope belongs to the thread that
 * opened it: an asynchronous call picks the metadata up when it is made, not when it completes.
 */
public final class CallMetadata {
  private CallMetadata() {}

  /**
   * Opens a scope in which calls from this thread also send {@code key=value}.
   *
   * @throws IllegalArgumentException if the key is empty or either is longer than 65,535 UTF-8
   *     bytes
   */
  public static Scope with(String key, String value) {
    return OutgoingMetadata.push(key, value)::pop;
  }

  /** The metadata the current thread's scopes add, innermost winning; unmodifiable. */
  public static Map<String, String> current() {
    return OutgoingMetadata.current();
  }

  /** An open scope; close it (try-with-resources) to drop what it added. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
