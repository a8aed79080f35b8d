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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Once a call has ended (timeout, cancel, close), nothing that arrives later for it reaches the
 * caller, and ending one call never touches another. {@link CancelService} returns {@code -1}
 * only when the server saw its call cancelled or past its deadline: a caller must never see it.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class CancellationTest {
  @Parameter String codec;

  private RpcServer server;
  private RpcClient client;
  private CancelService service;

  @BeforeEach
  void start() {
    server = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(CancelService.class, new CancelServiceImpl()).build().start();
    client = newClient(Duration.ofSeconds(2));
    service = client.proxy(CancelService.class);
  }

  private RpcClient newClient(Duration timeout) {
    return RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(timeout).build();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aCancelledAsyncCallDoesNotShortenTheNextCallsTimeout() {
    assertEquals(7, service.echo(7));
    for (int i = 0; i < 10; i++) {
      CompletableFuture<Integer> f = service.workAsync(5000);
      assertTrue(f.cancel(true));
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> service.annotated(3000),
          "a value that the server produced after the deadline reached the caller");
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.TIMEOUT, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("timed out after 200 ms"), e.getMessage());
      assertTrue(took >= 195 && took < 1500, "took " + took + " ms");
    }
  }

  @Test
  void anAnswerThatArrivesAfterTheDeadlineIsNotDelivered() {
    // The server sees its deadline pass (isCancelled() turns true) at about the moment the client's
    // timer fires; whichever is first, the caller gets TIMEOUT and never the late -1.
    for (int i = 0; i < 20; i++) {
      RpcException e = assertThrows(RpcException.class, () -> service.annotated(3000));
      assertEquals(Code.TIMEOUT, e.code(), e.getMessage());
    }
    assertEquals(5, service.annotated(5), "later calls are unaffected");
  }

  @Test
  void cancelsTimeoutsAndNewCallsInterleavedFromManyThreadsNeverCrossCalls() throws Exception {
    RpcClient hasty = newClient(Duration.ofMillis(40));
    CancelService quick = hasty.proxy(CancelService.class);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicInteger values = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    AtomicInteger cancels = new AtomicInteger();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (hasty) {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          for (int i = 0; i < 60; i++) {
            int id = thread * 1_000_000 + i;
            switch (random.nextInt(5)) {
              case 0: { // an async call cancelled at a random moment
                int millis = random.nextInt(1, 30);
                CompletableFuture<Integer> f = service.workAsync(millis);
                sleepMillis(random.nextInt(0, 20));
                if (f.cancel(true)) {
                  cancels.incrementAndGet();
                  if (!f.isCancelled()) {
                    wrong.add("a cancelled future is not cancelled: " + f);
                  }
                } else {
                  expect(wrong, millis, f.join(), "workAsync");
                  values.incrementAndGet();
                }
                break;
              }
              case 1: { // a blocking call that times out, or not, around its 200 ms
                int millis = random.nextBoolean() ? random.nextInt(1, 60) : random.nextInt(250, 400);
                try {
                  expect(wrong, millis, service.annotated(millis), "annotated");
                  values.incrementAndGet();
                } catch (RpcException e) {
                  expectTimeout(wrong, e);
                  timeouts.incrementAndGet();
                }
                break;
              }
              case 2: { // a client whose every call has 40 ms
                int millis = random.nextInt(0, 80);
                try {
                  expect(wrong, millis, quick.plain(millis), "plain with 40 ms");
                  values.incrementAndGet();
                } catch (RpcException e) {
                  expectTimeout(wrong, e);
                  timeouts.incrementAndGet();
                }
                break;
              }
              case 3: { // an async call that times out, then is cancelled too
                CompletableFuture<Integer> f = quick.workAsync(random.nextInt(0, 80));
                try {
                  int v = f.join();
                  values.incrementAndGet();
                  if (v < 0) {
                    wrong.add("workAsync returned " + v);
                  }
                } catch (CompletionException e) {
                  if (!(e.getCause() instanceof RpcException)) {
                    wrong.add("unexpected " + e.getCause());
                  } else {
                    expectTimeout(wrong, (RpcException) e.getCause());
                    timeouts.incrementAndGet();
                  }
                } catch (CancellationException e) {
                  wrong.add("nobody cancelled this call");
                }
                if (f.cancel(true)) {
                  wrong.add("a call that had ended could still be cancelled");
                }
                break;
              }
              default: // a short call beside all of that: exactly its own answer
                expect(wrong, id, service.echo(id), "echo");
                expect(wrong, 3, service.plain(3), "plain");
                values.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(wrong.isEmpty(), wrong.size() + " calls got what was not theirs: " + wrong);
    assertTrue(values.get() > 100 && timeouts.get() > 20 && cancels.get() > 20,
        values + " values, " + timeouts + " timeouts, " + cancels + " cancels");
    // Nothing was left behind on the server: every worker and in-flight slot came back.
    List<CompletableFuture<Integer>> after = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      after.add(service.workAsync(1));
    }
    for (CompletableFuture<Integer> f : after) {
      assertEquals(1, f.get(5, TimeUnit.SECONDS));
    }
  }

  @Test
  void closingTheClientEndsEveryPendingCallWithCancelledAndNothingLater() throws Exception {
    RpcClient closing = newClient(Duration.ofSeconds(5));
    CancelService s = closing.proxy(CancelService.class);
    List<CompletableFuture<Integer>> pending = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      pending.add(s.workAsync(200 + i));
    }
    closing.close();
    for (CompletableFuture<Integer> f : pending) {
      CompletionException e = assertThrows(CompletionException.class, f::join);
      RpcException cause = (RpcException) e.getCause();
      assertEquals(Code.CANCELLED, cause.code(), cause.getMessage());
    }
    Thread.sleep(400); // the server's answers would have arrived by now
    for (CompletableFuture<Integer> f : pending) {
      assertTrue(f.isCompletedExceptionally());
    }
    assertEquals(9, service.echo(9), "another client of the same server is unaffected");
  }

  private static void expect(ConcurrentLinkedQueue<String> wrong, int want, int got, String what) {
    if (want != got) {
      wrong.add(what + "(" + want + ") returned " + got);
    }
  }

  /** TIMEOUT, or a call that never left because its connection was not there in time. */
  private static void expectTimeout(ConcurrentLinkedQueue<String> wrong, RpcException e) {
    boolean unsent = e.code() == Code.UNAVAILABLE && e.getMessage().contains("It did not run");
    if (e.code() != Code.TIMEOUT && !unsent) {
      wrong.add("expected TIMEOUT, got " + e.getMessage());
    }
  }

  private static void sleepMillis(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
