package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.CallDeadline;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CallDeadline scope bounds the calls made in it, over real sockets: the scope's deadline is
 * shared, nests, reaches the server, and a call that misses it says that the scope was the limit.
 */
class CallDeadlineTest {
  private SlowServiceImpl impl;
  private RpcServer server;
  private RpcClient client;
  private SlowService slow;

  @BeforeEach
  void start() {
    impl = new SlowServiceImpl();
    // Room for every call of the concurrency test to run at once: the server's queue is not
    // what this test measures.
    server = RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .threads(256).maxRunningPerConnection(256).register(SlowService.class, impl).build()
        .start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec("json")
        .timeout(Duration.ofSeconds(10)).build();
    slow = client.proxy(SlowService.class);
    slow.remainingMillis(); // connected, so no test counts the handshake against its deadline
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
    assertEquals(Optional.empty(), CallDeadline.remaining(), "a scope was left open");
  }

  @Test
  void aBlockingCallTimesOutAtTheScopesDeadlineAndSaysSo() {
    long start = System.nanoTime();
    RpcException e;
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(200))) {
      e = assertThrows(RpcException.class, () -> slow.work(2_000));
    }
    long tookMs = millisSince(start);
    assertEquals(Code.TIMEOUT, e.code());
    assertTrue(tookMs >= 190 && tookMs < 1_500, "took " + tookMs + " ms");
    assertScopeTimeout(e, "work(long)");
  }

  @Test
  void anInterceptorSeesTheTimeLeftInTheScopeAsTheCallsTimeout() {
    java.util.List<Duration> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RpcClient intercepted = RpcClient.builder().address("127.0.0.1", server.port())
        .codec("json").timeout(Duration.ofSeconds(10))
        .intercept((call, next) -> {
          seen.add(call.timeout());
          return next.proceed();
        }).build()) {
      SlowService s = intercepted.proxy(SlowService.class);
      s.remainingMillis();
      try (CallDeadline.Scope scope = CallDeadline.after(Duration.ofMillis(500))) {
        s.remainingMillis();
      }
    }
    assertEquals(Duration.ofSeconds(10), seen.get(0), "outside a scope: the client's timeout");
    assertTrue(seen.get(1).compareTo(Duration.ofMillis(500)) <= 0
        && seen.get(1).compareTo(Duration.ofMillis(300)) > 0, "in the scope: " + seen.get(1));
  }

  @Test
  void callsInOneScopeShareItsDeadline() {
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(1_000))) {
      assertTrue(slow.work(400) >= 400);
      long left = slow.remainingMillis();
      assertTrue(left > 0 && left <= 600, "the second call got " + left + " ms, not what is left");
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> slow.work(2_000));
      long tookMs = millisSince(start);
      assertTrue(tookMs < 600 + 500, "the third call waited " + tookMs + " ms");
      assertScopeTimeout(e, "work(long)");
      long millis = timedOutAfterMillis(e);
      assertTrue(millis <= 600, "the third call had " + millis + " ms");
    }
  }

  @Test
  void anInnerScopeCanShortenTheDeadlineButNotLengthenItAndClosingRestoresTheOuter() {
    try (CallDeadline.Scope outer = CallDeadline.after(Duration.ofMillis(2_000))) {
      try (CallDeadline.Scope longer = CallDeadline.after(Duration.ofSeconds(30))) {
        long left = slow.remainingMillis();
        assertTrue(left > 0 && left <= 2_000, "the inner scope lengthened it to " + left + " ms");
      }
      try (CallDeadline.Scope shorter = CallDeadline.after(Duration.ofMillis(100))) {
        long start = System.nanoTime();
        RpcException e = assertThrows(RpcException.class, () -> slow.work(5_000));
        assertTrue(millisSince(start) < 1_000, "took " + millisSince(start) + " ms");
        assertScopeTimeout(e, "work(long)");
      }
      long left = slow.remainingMillis();
      assertTrue(left > 500 && left <= 2_000, "the outer scope is back: " + left + " ms left");
    }
  }

  @Test
  void aCallInAScopeWhoseDeadlinePassedIsNotSent() throws Exception {
    try (CallDeadline.Scope s = CallDeadline.at(Instant.now().minusMillis(50))) {
      RpcException e = assertThrows(RpcException.class, () -> slow.work(10));
      assertEquals(Code.TIMEOUT, e.code());
      assertTrue(Pattern.matches(Pattern.quote(prefix("work(long)")
          + "was not sent: the deadline of the CallDeadline scope it was made in had already"
          + " passed (") + "\\d+" + Pattern.quote(" ms ago). Open the scope with more time"
          + " (CallDeadline.after or CallDeadline.at), or make the call outside it"),
          e.getMessage()), e.getMessage());
      // An asynchronous call returns the same failure in its future; it does not throw.
      CompletableFuture<Long> f = slow.workAsync(10);
      ExecutionException async = assertThrows(ExecutionException.class, f::get);
      assertEquals(Code.TIMEOUT, ((RpcException) async.getCause()).code());
    }
    Thread.sleep(200);
    assertEquals(0, impl.started.get(), "a call was sent after its scope's deadline");
  }

  @Test
  void manyAsyncCallsFromSeveralThreadsEachEndAtTheirOwnScopesDeadline() throws Exception {
    int threads = 4;
    int perThread = 50;
    // The server starts a worker thread per call it runs at once; start them now, so that the
    // calls below are not slowed by it (on a loaded 2-core machine it takes a few hundred ms).
    List<CompletableFuture<Long>> warm = new ArrayList<>();
    for (int i = 0; i < threads * perThread; i++) {
      warm.add(slow.workAsync(100));
    }
    CompletableFuture.allOf(warm.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          List<String> problems = Collections.synchronizedList(new ArrayList<>());
          List<CompletableFuture<Void>> checks = new ArrayList<>();
          for (int n = 0; n < perThread; n++) {
            int i = n;
            boolean fits = i % 2 == 0;
            // Those that do not fit miss 300 .. 1000 ms deadlines by far; those that fit have
            // room to spare, so that a loaded machine does not fail them.
            long deadlineMs = (fits ? 1_500 : 300) + 100 * ((thread + i) % 8);
            long workMs = fits ? 20 : 3_000;
            long opened = System.nanoTime();
            CompletableFuture<Long> f;
            try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(deadlineMs))) {
              f = slow.workAsync(workMs);
            }
            checks.add(f.handle((v, error) -> {
              long tookMs = millisSince(opened);
              String call = "call " + thread + "/" + i + " (" + deadlineMs + " ms scope, "
                  + workMs + " ms of work)";
              if (fits) {
                if (error != null) {
                  problems.add(call + " failed: " + error);
                } else {
                  succeeded.incrementAndGet();
                }
              } else if (!(error instanceof RpcException)
                  || ((RpcException) error).code() != Code.TIMEOUT
                  || !error.getMessage().contains("the deadline of the CallDeadline scope")) {
                problems.add(call + " ended with " + (error == null ? v : error));
              } else if (tookMs < deadlineMs - 5 || tookMs > deadlineMs + 700) {
                problems.add(call + " timed out after " + tookMs + " ms");
              } else {
                timedOut.incrementAndGet();
              }
              return null;
            }));
          }
          CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
              .get(30, TimeUnit.SECONDS);
          return new ArrayList<>(problems);
        }));
      }
      List<String> problems = new ArrayList<>();
      for (Future<List<String>> r : results) {
        problems.addAll(r.get(60, TimeUnit.SECONDS));
      }
      assertEquals(List.of(), problems);
      assertEquals(threads * perThread / 2, succeeded.get());
      assertEquals(threads * perThread / 2, timedOut.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theServerSeesAtMostWhatIsLeftInTheScope() throws Exception {
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(800))) {
      Thread.sleep(300);
      long scopeLeft = CallDeadline.remaining().orElseThrow().toMillis();
      long serverLeft = slow.remainingMillis();
      assertTrue(serverLeft > 0 && serverLeft <= scopeLeft,
          "the server has " + serverLeft + " ms; the scope had " + scopeLeft + " ms left");
    }
    long outside = slow.remainingMillis();
    assertTrue(outside > 9_000, "outside the scope the client's 10 s apply: " + outside + " ms");
  }

  @Test
  void aScopeOnOneThreadDoesNotAffectCallsFromAnother() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(150))) {
      Future<Long> elsewhere = other.submit(() -> slow.work(600));
      RpcException e = assertThrows(RpcException.class, () -> slow.work(600));
      assertScopeTimeout(e, "work(long)");
      assertTrue(elsewhere.get(5, TimeUnit.SECONDS) >= 600, "the other thread's call completed");
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void closingScopesOutOfOrderIsRefused() {
    CallDeadline.Scope outer = CallDeadline.after(Duration.ofSeconds(5));
    CallDeadline.Scope inner = CallDeadline.after(Duration.ofSeconds(1));
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertEquals("CallDeadline scopes must be closed in the reverse order they were opened, on the"
        + " thread that opened them", e.getMessage());
    inner.close();
    inner.close(); // twice: nothing
    outer.close();
  }

  @Test
  void anInterceptorThatProceedsOnAnotherThreadKeepsTheCallersScope() {
    try (RpcClient intercepted = RpcClient.builder().address("127.0.0.1", server.port())
        .codec("json").timeout(Duration.ofSeconds(10))
        .intercept((call, next) -> CompletableFuture.supplyAsync(() -> null)
            .thenCompose(x -> next.proceed()))
        .build()) {
      SlowService s = intercepted.proxy(SlowService.class);
      long start = System.nanoTime();
      RpcException e;
      try (CallDeadline.Scope scope = CallDeadline.after(Duration.ofMillis(200))) {
        e = assertThrows(RpcException.class, () -> s.work(2_000));
      }
      assertTrue(millisSince(start) < 1_500, "took " + millisSince(start) + " ms");
      assertScopeTimeout(e, "work(long)");
    }
  }

  @Test
  void aHedgedCallKeepsToTheScopesDeadline() {
    AtomicInteger started = new AtomicInteger();
    try (RpcServer a = whoami(started); RpcServer b = whoami(started);
        RpcClient fleet = RpcClient.builder()
            .address("127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port()).codec("json")
            .timeout(Duration.ofSeconds(10)).build()) {
      Whoami who = fleet.proxy(Whoami.class);
      long start = System.nanoTime();
      RpcException e;
      try (CallDeadline.Scope s = CallDeadline.after(Duration.ofMillis(300))) {
        e = assertThrows(RpcException.class, () -> who.workHedged(0));
      }
      long tookMs = millisSince(start);
      assertTrue(tookMs < 1_500, "took " + tookMs + " ms");
      assertEquals(Code.TIMEOUT, e.code());
      assertTrue(e.getMessage().contains(": the deadline of the CallDeadline scope it was made in"),
          e.getMessage());
    }
  }

  @Test
  void insideAServerCallTheEarlierOfItsDeadlineAndTheScopeWins() {
    SlowServiceImpl backendImpl = new SlowServiceImpl();
    try (RpcServer backend = RpcServer.builder().host("127.0.0.1").port(0)
            .gracePeriod(Duration.ofSeconds(1)).register(SlowService.class, backendImpl).build()
            .start();
        RpcClient quick = RpcClient.builder().address("127.0.0.1", server.port()).codec("json")
            .timeout(Duration.ofMillis(1_500)).build()) {
      SlowService front = quick.proxy(SlowService.class);
      // A scope opened in the server call, earlier than the call's 1.5 s, bounds the backend call.
      String scoped = front.relayInScope(backend.port(), 5_000, 200);
      assertTrue(remaining(scoped) <= 200, scoped);
      assertTrue(scoped.contains("timed out after ") && scoped.contains(" ms: the deadline of the"
          + " CallDeadline scope it was made in"), scoped);
      // A scope later than what is left of the server call does not lengthen it.
      String inherited = front.relayInScope(backend.port(), 0, 30_000);
      assertTrue(remaining(inherited) <= 1_500, inherited);
    }
  }

  /** The backend's remaining milliseconds in what relayInScope returned. */
  private static long remaining(String relayed) {
    Matcher m = Pattern.compile("^remaining=(-?\\d+); ").matcher(relayed);
    assertTrue(m.find(), relayed);
    long millis = Long.parseLong(m.group(1));
    assertTrue(millis >= 0, relayed);
    return millis;
  }

  private static RpcServer whoami(AtomicInteger started) {
    return RpcServer.builder().host("127.0.0.1").port(0).gracePeriod(Duration.ofSeconds(1))
        .register(Whoami.class, Whoami.named("slow", started, 3_000)).build().start();
  }

  private String prefix(String method) {
    return "Call to io.minirpc.it.SlowService." + method + " at 127.0.0.1:" + server.port() + " ";
  }

  /** The whole message of a call that timed out because of its scope, with 10 s its own. */
  private void assertScopeTimeout(RpcException e, String method) {
    assertEquals(Code.TIMEOUT, e.code(), e.getMessage());
    String expected = Pattern.quote(prefix(method) + "timed out after ") + "\\d+"
        + Pattern.quote(" ms: the deadline of the CallDeadline scope it was made in passed"
            + " before the server answered (its own timeout, 10000 ms, was longer). Give the"
            + " scope more time (CallDeadline.after or CallDeadline.at), or check the server: it"
            + " may be slow or overloaded");
    if (!Pattern.matches(expected, e.getMessage())) {
      fail("unexpected message: " + e.getMessage());
    }
  }

  private static long timedOutAfterMillis(RpcException e) {
    Matcher m = Pattern.compile("timed out after (\\d+) ms").matcher(e.getMessage());
    assertTrue(m.find(), e.getMessage());
    return Long.parseLong(m.group(1));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
