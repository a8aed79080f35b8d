package io.minirpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Running this method (or every method of this interface) twice has the same effect as running it
 * once, so a client may send it again after a failure that leaves unknown whether it ran: the
 * connection was lost, or the server aborted it with {@link RpcException.Code#UNAVAILABLE}.
 * {@code @Idempotent(false)} on a method turns it off where the interface turns it on.
 *
 * <p>Calls that provably did not run (refused before dispatch, never written) are sent again
 * whether or not they are idempotent. Retries of idempotent calls are bounded by {@code
 * minirpc.maxAttempts}, spaced by {@code minirpc.retryBackoff}, limited by the client's retry
 * budget ({@code minirpc.retryBudget}, a share of all calls) so that retries cannot multiply an
 * outage, and never outlive the call's deadline.
 *
 * <pre>{@code
 * public interface Accounts {
 *   @Idempotent
 *   Balance balance(String account);
 *
 *   @Idempotent(hedgeAfterMillis = 50)   // a second attempt if the first takes longer
 *   Profile profile(String account);
 *
 *   @Idempotent(hedgeAtPercentile = 95)  // ... if it takes longer than 95 % of recent calls
 *   Statement statement(String account, YearMonth month);
 *
 *   void transfer(String from, String to, long cents);   // never sent twice once it may have run
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Idempotent {
  /**
   * Whether the method is idempotent.
   *
   * @return {@code true} (the default) if calls may be retried after they may have run
   */
  boolean value() default true;

  /**
   * Hedging: when positive, a call that has no answer after this many milliseconds is sent a
   * second time to another server; the first answer wins and the other attempt is cancelled. A
   * good value is the method's 95th percentile latency. Hedged attempts draw on the retry budget.
   *
   * @return the delay before the hedged attempt, or {@code 0} (the default) for no hedging
   */
  long hedgeAfterMillis() default 0;

  /**
   * Adaptive hedging: when between 1 and 99, a call that has no answer after this percentile of
   * the method's recent latencies (the last 256 calls of it on this client) is sent a second time
   * to another server, as with {@link #hedgeAfterMillis}, which then is the least delay (and the
   * delay until 20 calls have ended; with {@code 0} there, no call is hedged until then). {@code
   * hedgeAtPercentile = 95} hedges about the slowest 5 % of calls, wherever the method's latency
   * lies and as it moves. Hedged attempts draw on the retry budget ({@code minirpc.retryBudget}),
   * which must leave room for them.
   *
   * @return the percentile, or {@code 0} (the default) for a fixed delay or none
   */
  int hedgeAtPercentile() default 0;
}
