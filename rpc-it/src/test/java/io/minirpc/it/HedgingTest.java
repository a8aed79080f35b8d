package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.Idempotent;
import io.minirpc.RpcClient;
import io.minirpc.RpcContext;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hedged call is one call with two attempts on two servers: the first answer ends it, a value or
 * the server's error alike, and ending it cancels the other attempt on its server.
 */
@Timeout(60)
class HedgingTest {
  /** What a hedged call races. */
  public interface Racer {
    /**
     * On the server named {@code quick}: its name after {@code millis}, or, if {@code fail}, an
     * error that names it. On any other server: its name after 3 s, unless cancelled first.
     */
    @Idempotent(hedgeAfterMillis = 50)
    String race(String quick, long millis, boolean fail) throws IllegalArgumentException;
  }

  /** A server of the race, counting the attempts it started and those cancelled under it. */
  static final class Runner implements Racer {
    final String name;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    Runner(String name) {
      this.name = name;
    }

    @Override
    public String race(String quick, long millis, boolean fail) {
      started.incrementAndGet();
      boolean mine = name.equals(quick);
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mine ? millis : 3000);
      while (System.nanoTime() < end) {
        try {
          if (RpcContext.current().isCancelled()) {
            throw new InterruptedException();
          }
          Thread.sleep(5);
        } catch (InterruptedException e) {
          // Cancelled: the context says so, and the thread running the call is interrupted.
          cancelled.incrementAndGet();
          Thread.currentThread().interrupt();
          throw new IllegalStateException(name + " was cancelled");
        }
      }
      if (mine && fail) {
        throw new IllegalArgumentException(name + " refused this call");
      }
      return name;
    }
  }

  private final List<RpcServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    for (RpcServer s : servers) {
      s.close();
    }
  }

  private String serve(Runner... runners) {
    List<String> addresses = new ArrayList<>();
    for (Runner r : runners) {
      RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
          .gracePeriod(Duration.ofSeconds(1)).register(Racer.class, r).build().start();
      servers.add(s);
      addresses.add("127.0.0.1:" + s.port());
    }
    return String.join(",", addresses);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "json"})
  void theFirstValueEndsTheCallAndTheOtherAttemptIsCancelledOnItsServer(String codec)
      throws Exception {
    Runner a = new Runner("a");
    Runner b = new Runner("b");
    try (RpcClient client = RpcClient.builder().address(serve(a, b)).codec(codec)
        .loadBalancer("round-robin").retryBudget(1.0).timeout(Duration.ofSeconds(10)).build()) {
      Racer racer = client.proxy(Racer.class);
      int calls = 6;
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        // Whichever server the call goes to first, a answers after 400 ms, well past the hedge at 50 ms.
        assertEquals("a", racer.race("a", 400, false), "the first answer wins");
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2000),
            "not left for b's 3 s");
      }
      awaitCount(b.cancelled, calls, "every attempt on b was cancelled once a had answered");
      assertEquals(calls, b.started.get(), "each call had one attempt on b, its first or its hedge");
      assertEquals(calls, a.started.get(), "and one on a");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"kryo", "json"})
  void theServersErrorIsAnAnswerToo(String codec) throws Exception {
    Runner a = new Runner("a");
    Runner b = new Runner("b");
    try (RpcClient client = RpcClient.builder().address(serve(a, b)).codec(codec)
        .loadBalancer("round-robin").retryBudget(1.0).timeout(Duration.ofSeconds(10)).build()) {
      Racer racer = client.proxy(Racer.class);
      int calls = 4;
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> racer.race("a", 400, true));
        assertEquals("a refused this call", e.getMessage(), "the method's own exception");
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2000),
            "the error ended the call: it did not wait for b");
      }
      awaitCount(b.cancelled, calls, "every attempt on b was cancelled once a had answered");
    }
  }

  private static void awaitCount(AtomicInteger count, int expected, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (count.get() < expected) {
      if (System.nanoTime() > end) {
        fail(what + ": " + count.get() + " of " + expected);
      }
      Thread.sleep(10);
    }
  }
}
