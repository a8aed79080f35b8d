package io.minirpc;

import io.minirpc.runtime.OutgoingDeadline;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A deadline for the calls the current thread makes while a scope is open, on top of their own
 * timeouts ({@link Timeout @Timeout} on the method, else {@code RpcClient.Builder.timeout}).
 *
 * <pre>{@code
 * try (CallDeadline.Scope scope = CallDeadline.after(Duration.ofMillis(200))) {
 *   calc.add(1, 2);              // times out at most 200 ms after the scope opened
 *   inventory.reserve(order);    // shares the same deadline: it gets only what is left
 * }
 * }</pre>
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>A scope's deadline is absolute: it is fixed when the scope opens, and every call made in
 *       the scope shares it. {@link #at(Instant)} opens a scope with an instant instead of a
 *       duration.
 *   <li>Scopes nest. The deadline in force is the earliest of the open scopes': an inner scope can
 *       shorten it, never lengthen it. Closing a scope restores the enclosing one's. Scopes must be
 *       closed in the reverse order they were opened, on the thread that opened them, else {@code
 *       close()} throws {@link IllegalStateException}; closing one twice does nothing.
 *   <li>A call made on the thread while a scope is open times out after its own timeout or the
 *       time left in the scope, whichever is shorter; inside a server call with deadline
 *       propagation, the time left of that call bounds it too. An asynchronous call (a method
 *       returning {@code CompletableFuture}) takes the deadline when it is made, not when it
 *       completes. A scope on one thread does not affect calls made by another.
 *   <li>A call made after the scope's deadline has passed is not sent: it fails at once with
 *       {@link RpcException.Code#TIMEOUT}. A call that times out because of the scope says so in
 *       its message, so that you know which limit to raise.
 *   <li>The server sees the shorter deadline: {@link RpcContext#remaining()} is at most what was
 *       left in the scope when the call was sent. Retries and hedged attempts of a call stay
 *       within the same deadline.
 * </ul>
 *
 * <p>When no scope is open, calls pay one {@code ThreadLocal} read for this feature and allocate
 * nothing.
 */
public final class CallDeadline {
  private CallDeadline() {}

  /**
   * Opens a scope whose deadline is {@code timeout} from now, or the enclosing scope's if that is
   * earlier. A zero or negative {@code timeout} opens a scope whose deadline has already passed:
   * calls made in it fail without being sent.
   */
  public static Scope after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    return OutgoingDeadline.push(saturatedNanos(timeout))::pop;
  }

  /**
   * Opens a scope whose deadline is {@code deadline} on the system clock, or the enclosing
   * scope's if that is earlier. The instant is turned into a time left when the scope opens; a
   * later change of the system clock does not move it.
   */
  public static Scope at(Instant deadline) {
    Objects.requireNonNull(deadline, "deadline == null");
    return OutgoingDeadline.push(saturatedNanos(Duration.between(Instant.now(), deadline)))::pop;
  }

  /**
   * The time left until the deadline of the current thread's innermost open scope (the earliest of
   * the open scopes), zero once it has passed; empty when no scope is open.
   */
  public static Optional<Duration> remaining() {
    OutgoingDeadline.Frame f = OutgoingDeadline.current();
    return f == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, f.remainingNanos())));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** An open scope; close it (try-with-resources) to restore the enclosing deadline. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
