package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Rate limits hold within 10% under callers going as fast as they can. */
@Isolated("counts the calls a rate lets through in a given time")
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class RateLimitTest {
  @Parameter String codec;

  /** How many calls succeeded when 8 threads called as fast as they could for {@code millis}. */
  private static long hammer(IntUnaryOperator call, long millis) throws Exception {
    LongAdder ok = new LongAdder();
    AtomicLong slowestRefusal = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      futures.add(threads.submit(() -> {
        int i = 0;
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          try {
            assertEquals(i, call.applyAsInt(i));
            ok.increment();
          } catch (RpcException e) {
            assertEquals(Code.RESOURCE_EXHAUSTED, e.code(), e.getMessage());
            slowestRefusal.accumulateAndGet(System.nanoTime() - start, Math::max);
          }
          i++;
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(millis + 10_000, TimeUnit.MILLISECONDS);
    }
    threads.shutdown();
    assertTrue(slowestRefusal.get() < TimeUnit.MILLISECONDS.toNanos(500),
        "refusals are immediate, not timeouts");
    return ok.sum();
  }

  /**
   * The limit holds: never more than 10 % over what the rate allows. Fewer may pass when the
   * callers themselves stall (a busy machine, a GC pause): a token bucket does not save what no
   * call asked for, so the lower bound is loose, there to catch a limiter that refuses far too
   * much.
   */
  private static void assertWithinTenPercent(double expected, long actual, String what) {
    assertTrue(actual <= expected * 1.10 && actual >= expected * 0.60,
        what + ": " + actual + " calls accepted, expected at most " + expected + " +10%"
            + " (and not below 60 % of it)");
  }

  private RpcClient client(RpcServer s) {
    return RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).connections(2).build();
  }

  @Test
  void aLimitFromPropertiesHoldsWithinTenPercentAndLeavesOtherMethodsAlone() throws Exception {
    Properties p = new Properties();
    p.setProperty("minirpc.server.rateLimit.io.minirpc.it.Calculator#add", "200");
    try (RpcServer s = RpcServer.builder().configure(p).host("127.0.0.1").port(0)
            .register(Calculator.class, new CalculatorImpl()).build().start();
        RpcClient c = client(s)) {
      Calculator calc = c.proxy(Calculator.class);
      long accepted = hammer(i -> calc.add(i, 0), 3000);
      assertWithinTenPercent(200 * 3 + 10, accepted, "add(int,int) at 200/s for 3 s");
      long other = hammer(i -> calc.repeat("x", 1).length() - 1 + i, 1000);
      assertTrue(other > 1000, "an unlimited method of the same service: " + other);
      RpcException e = assertThrows(RpcException.class, () -> {
        for (int i = 0; i < 1000; i++) {
          calc.add(1, 1);
        }
      });
      assertEquals("Call to io.minirpc.it.Calculator.add(int,int) at 127.0.0.1:" + s.port()
          + " failed: the server refused the call: io.minirpc.it.Calculator.add(int,int) is"
          + " limited to 200 calls per second (minirpc.server.rateLimit."
          + "io.minirpc.it.Calculator#add). Slow down, retry later with backoff, or ask for a"
          + " higher limit", e.getMessage());
    }
  }

  @Test
  void annotationsLimitServicesAndMethodsAndPropertiesOverrideThem() throws Exception {
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
            .register(Limited.class, Limited.echo()).build().start();
        RpcClient c = client(s)) {
      Limited limited = c.proxy(Limited.class);
      assertWithinTenPercent(40 * 2 + 1, hammer(limited::narrow, 2000), "@RateLimit(40) method");
      assertWithinTenPercent(300 * 2 + 15, hammer(limited::ping, 2000), "@RateLimit(300) service");
    }
    try (RpcServer s = RpcServer.builder().host("127.0.0.1").port(0)
            .register(Limited.class, Limited.echo())
            .rateLimit(Limited.class, "narrow", 100).build().start();
        RpcClient c = client(s)) {
      Limited limited = c.proxy(Limited.class);
      assertWithinTenPercent(100 * 2 + 5, hammer(limited::narrow, 2000), "overridden to 100/s");
    }
  }

  @Test
  void aLimitForSomethingNotRegisteredIsRefusedAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().register(Limited.class, Limited.echo())
            .rateLimit(Calculator.class, 10).build());
    assertTrue(e.getMessage().startsWith("Rate limits set for [io.minirpc.it.Calculator] match no"
        + " registered service or method"), e.getMessage());
  }
}
