package io.minirpc.it;

import io.minirpc.HashKey;
import io.minirpc.Idempotent;

/** Says which server of a fleet answered, for tests of balancing, retries and drain. */
public interface Whoami {
  /** The server's name. */
  String name();

  /** The server's name, after working {@code millis}; may not be sent twice once it may have run. */
  String work(long millis);

  /** {@link #work}, but idempotent: sent again after a failure that leaves unknown if it ran. */
  @Idempotent
  String workIdempotent(long millis);

  /** {@link #work}, hedged: a second attempt goes to another server after 50 ms. */
  @Idempotent(hedgeAfterMillis = 50)
  String workHedged(long millis);

  /**
   * The server's name after {@code millis}; on the server named {@code slowServer}, every tenth
   * call takes {@code slowMillis} instead. Hedged at the 80th percentile of recent latencies.
   */
  @Idempotent(hedgeAtPercentile = 80)
  String sometimesSlow(long millis, long slowMillis, String slowServer);

  /** The server's name; calls with equal keys go to one server under consistent hashing. */
  String byKey(@HashKey String key);

  /** A server named {@code name}, counting the calls it starts in {@code started}. */
  static Whoami named(String name, java.util.concurrent.atomic.AtomicInteger started) {
    return named(name, started, 0);
  }

  /** A server named {@code name} whose {@link #work} takes {@code extraMillis} more. */
  static Whoami named(String name, java.util.concurrent.atomic.AtomicInteger started,
      long extraMillis) {
    return new Whoami() {
      @Override
      public String name() {
        started.incrementAndGet();
        return name;
      }

      @Override
      public String work(long millis) {
        started.incrementAndGet();
        sleep(millis + extraMillis);
        return name;
      }

      @Override
      public String workIdempotent(long millis) {
        return work(millis);
      }

      @Override
      public String workHedged(long millis) {
        return work(millis);
      }

      private final java.util.concurrent.atomic.AtomicInteger calls =
          new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public String sometimesSlow(long millis, long slowMillis, String slowServer) {
        boolean slow = name.equals(slowServer) && calls.incrementAndGet() % 10 == 0;
        return work(slow ? slowMillis : millis);
      }

      @Override
      public String byKey(String key) {
        return name();
      }

      private void sleep(long millis) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
