package io.minirpc.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Limits on both sides keep a flood of calls from drowning client, server, or other clients. */
@Isolated("floods servers and times the other clients' calls")
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class OverloadTest {
  @Parameter String codec;

  private final SlowServiceImpl impl = new SlowServiceImpl();

  private RpcServer.Builder server() {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(SlowService.class, impl).register(Calculator.class, new CalculatorImpl());
  }

  private RpcClient.Builder client(RpcServer server) {
    return RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10));
  }

  @Test
  void aBurstOfTwentyThousandSmallCallsIsQueuedNotRefusedWithDefaultSettings()
      throws Exception {
    try (RpcServer s = server().build().start();
        RpcClient c = RpcClient.builder().address("127.0.0.1", s.port()).codec(codec)
            .build()) { // default settings, default 5 s timeout
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      // 20,000 is twice what the client used to queue; a 100,000 burst works too, but under the
      // tests' paranoid leak detector encoding them alone takes half a minute.
      int calls = 20_000;
      List<CompletableFuture<Long>> futures = new ArrayList<>(calls);
      long start = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        futures.add(slow.workAsync(i % 10 == 0 ? 1 : 0)); // each takes a worker for a moment
      }
      int failed = 0;
      String firstFailure = null;
      for (CompletableFuture<Long> f : futures) {
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (failed++ == 0) {
            firstFailure = e.getCause().getMessage();
          }
        }
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals(0, failed, failed + " of " + calls + " calls failed in " + tookMs
          + " ms, the first with: " + firstFailure);
    }
  }

  @Test
  void aCallOverTheClientsInFlightLimitFailsAtOnceWhenConfiguredTo() throws Exception {
    try (RpcServer s = server().build().start();
        RpcClient c = client(s).maxInFlight(2).failWhenBusy(true).build()) {
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      CompletableFuture<Long> a = slow.workAsync(500);
      CompletableFuture<Long> b = slow.workAsync(500);
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> slow.work(0));
      assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300));
      assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
      assertTrue(e.getMessage().contains("2 calls in flight") && e.getMessage()
          .contains("minirpc.maxInFlight=2"), e.getMessage());
      a.get(5, TimeUnit.SECONDS);
      b.get(5, TimeUnit.SECONDS);
      assertTrue(slow.work(0) < 1000, "room again once the calls ended");
    }
  }

  @Test
  void aCallOverTheClientsInFlightLimitWaitsForRoomWithinItsDeadline() throws Exception {
    try (RpcServer s = server().build().start();
        RpcClient c = client(s).maxInFlight(2).timeout(Duration.ofMillis(1500)).build()) {
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      int before = impl.started.get();
      CompletableFuture<Long> a = slow.workAsync(600);
      CompletableFuture<Long> b = slow.workAsync(600);
      CompletableFuture<Long> waits = slow.workAsync(0);
      Thread.sleep(300);
      assertFalse(waits.isDone());
      assertEquals(before + 2, impl.started.get(), "the third call waits on the client");
      assertTrue(waits.get(5, TimeUnit.SECONDS) < 1000, "the waiting call ran once there was room");
      a.get(5, TimeUnit.SECONDS);
      b.get(5, TimeUnit.SECONDS);

      CompletableFuture<Long> c1 = slow.workAsync(1000);
      CompletableFuture<Long> c2 = slow.workAsync(1000);
      int started = impl.started.get();
      // @Timeout(millis = 200): it gives up long before the two calls make room.
      RpcException cause = assertThrows(RpcException.class, () -> slow.workWithShortTimeout(0));
      assertEquals(Code.RESOURCE_EXHAUSTED, cause.code(), cause.getMessage());
      assertTrue(cause.getMessage().contains("waited 200 ms for room"), cause.getMessage());
      assertTrue(cause.getMessage().contains("It did not run"), cause.getMessage());
      assertTrue(impl.started.get() <= started + 2, "the waiting call never reached the server");
      c1.get(5, TimeUnit.SECONDS);
      c2.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theClientStaysUnderTheServersLimitPerConnection() throws Exception {
    try (RpcServer s = server().maxCallsPerConnection(3).build().start();
        RpcClient c = client(s).build()) {
      SlowService slow = c.proxy(SlowService.class);
      slow.work(0);
      long start = System.nanoTime();
      List<CompletableFuture<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(slow.workAsync(100));
      }
      for (CompletableFuture<Long> call : calls) {
        assertTrue(call.get(10, TimeUnit.SECONDS) >= 100, "none refused: the client waited");
      }
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(took >= 380, "12 calls of 100 ms, 3 at a time, took " + took + " ms");
    }
  }

  @Test
  void theServerRefusesRequestsBeyondItsQueuedBytes() throws Exception {
    try (RpcServer s = server().threads(1).maxQueuedBytes(64 * 1024).build().start();
        RpcClient c = client(s).build()) {
      Calculator calc = c.proxy(Calculator.class);
      SlowService slow = c.proxy(SlowService.class);
      CompletableFuture<Long> busy = slow.workAsync(1000); // holds the only worker
      Thread.sleep(100);
      String big = "x".repeat(20_000);
      List<CompletableFuture<String>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> calc.concat(big, "")));
      }
      int refused = 0;
      int served = 0;
      for (CompletableFuture<String> call : calls) {
        try {
          assertTrue(call.get(10, TimeUnit.SECONDS).startsWith(big));
          served++;
        } catch (ExecutionException e) {
          RpcException cause = (RpcException) e.getCause();
          assertEquals(Code.RESOURCE_EXHAUSTED, cause.code(), cause.getMessage());
          assertTrue(cause.getMessage().contains("minirpc.server.maxQueuedBytes"));
          refused++;
        }
      }
      assertTrue(served >= 1 && served <= 4, served + " served");
      assertEquals(10, served + refused);
      busy.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFloodOfAHundredThousandCallsIsRefusedFastWhileOtherClientsAreServed() throws Exception {
    if (!codec.equals("json")) {
      return; // the flood is raw JSON frames; the codec under test is the other client's
    }
    try (ServerProcess server = ServerProcess.start(0, "-Xmx64m", "-Dminirpc.server.threads=4",
            "-Dminirpc.server.queue=16", "-Dminirpc.server.maxCallsPerConnection=4");
        RpcClient other = RpcClient.builder().address("127.0.0.1", server.port()).codec("kryo")
            .timeout(Duration.ofSeconds(5)).build();
        RawConnection flood = new RawConnection(server.port())) {
      Calculator calc = other.proxy(Calculator.class);
      assertEquals(2, calc.add(1, 1));
      int total = 100_000;
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger served = new AtomicInteger();
      AtomicInteger otherCode = new AtomicInteger();
      Thread reader = new Thread(() -> {
        try {
          for (int i = 0; i < total; i++) {
            RawConnection.Reply reply = flood.read();
            if (reply.type() == RawConnection.RESPONSE) {
              served.incrementAndGet();
            } else if (reply.errorCode() == Code.RESOURCE_EXHAUSTED.wireNumber()) {
              refused.incrementAndGet();
            } else {
              otherCode.incrementAndGet();
            }
          }
        } catch (Exception e) {
          otherCode.addAndGet(1_000_000);
        }
      }, "flood-reader");
      reader.start();
      long start = System.nanoTime();
      Thread writer = new Thread(() -> {
        try {
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          for (int i = 1; i <= total; i++) {
            batch.write(RawConnection.requestBytes(1, i, "io.minirpc.it.Calculator",
                "sleepThenEcho(int,int)", "20".getBytes(UTF_8), Integer.toString(i).getBytes(UTF_8)));
            if (i % 1000 == 0) {
              flood.writeRaw(batch.toByteArray());
              batch.reset();
            }
          }
        } catch (Exception e) {
          otherCode.addAndGet(1_000_000);
        }
      }, "flood-writer");
      writer.start();
      AtomicLong worst = new AtomicLong();
      int otherCalls = 0;
      while (reader.isAlive() && otherCalls < 2000) {
        long t = System.nanoTime();
        assertEquals(otherCalls + 1, calc.add(otherCalls, 1), "the other client is served");
        worst.accumulateAndGet(System.nanoTime() - t, Math::max);
        otherCalls++;
        Thread.sleep(5);
      }
      reader.join(TimeUnit.SECONDS.toMillis(60));
      writer.join(TimeUnit.SECONDS.toMillis(5));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertFalse(reader.isAlive(), "every flooded call got its answer");
      assertEquals(0, otherCode.get());
      assertEquals(total, served.get() + refused.get());
      assertTrue(refused.get() > total * 0.9, refused + " refused, " + served + " served");
      assertTrue(took < 60_000, "the flood was answered in " + took + " ms");
      assertTrue(otherCalls > 10, "only " + otherCalls + " calls of the other client");
      assertTrue(worst.get() < TimeUnit.SECONDS.toNanos(2),
          "the other client waited up to " + worst.get() / 1_000_000 + " ms");
      long heap = other.proxy(ServerInfo.class).usedHeapAfterGc();
      assertTrue(heap < 40L * 1024 * 1024, "the server holds " + heap + " bytes of heap");
    }
  }
}
