package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.WaitForReady;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** Every error code, each produced by a real situation, for each codec. */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class ErrorsTest {
  @Parameter String codec;

  /** An interface the servers in these tests never register. */
  public interface Unregistered {
    String hello();
  }

  private static String at(Fixture f) {
    return "127.0.0.1:" + f.server.port();
  }

  @Test
  void timeoutWhenTheServerIsTooSlow() {
    try (Fixture f = Fixture.start(codec, s -> s, c -> c.timeout(Duration.ofMillis(200)))) {
      long start = System.nanoTime();
      RpcException e =
          assertThrows(RpcException.class, () -> f.calculator().sleepThenEcho(2000, 1));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.TIMEOUT, e.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.sleepThenEcho(int,int) at " + at(f)
              + " timed out after 200 ms. The server may be slow or overloaded, or the network"
              + " partitioned: check the server, or raise the timeout (minirpc.timeout, or"
              + " @Timeout on the method)",
          e.getMessage());
      assertTrue(took >= 190 && took < 1500, "timed out after " + took + " ms");
    }
  }

  @Test
  void timeoutAlsoEndsAsyncCalls() {
    try (Fixture f = Fixture.start(codec, s -> s, c -> c.timeout(Duration.ofMillis(150)))) {
      CompletableFuture<Integer> call = f.calculator().echoLater(5000, 1);
      Exception e = assertThrows(Exception.class, () -> call.get(3, TimeUnit.SECONDS));
      assertEquals(Code.TIMEOUT, ((RpcException) e.getCause()).code());
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Calls to {@code port}, where nothing listens, fail at once, each saying why and what next. */
  private static void assertCallsFailAtOnce(RpcClient client, int port) {
    Calculator calc = client.proxy(Calculator.class);
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> calc.add(1, 2));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().startsWith("Call to io.minirpc.it.Calculator.add(int,int) at "
          + "127.0.0.1:" + port + " failed: there is no connection to 127.0.0.1:" + port
          + " (cannot connect: "), e.getMessage());
      assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
      assertTrue(e.getMessage().endsWith("). It did not run, so it is safe to retry. The client"
          + " keeps reconnecting in the background; to make calls wait for a connection within"
          + " their timeout instead, set minirpc.waitForReady=true or annotate the method with"
          + " @WaitForReady"), e.getMessage());
      assertTrue(took < 1000, "call " + i + " failed after " + took + " ms");
    }
  }

  @Test
  void unavailableWithinASecondWhenNothingListens() throws Exception {
    int port = freePort();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .timeout(Duration.ofSeconds(60)).build()) {
      assertCallsFailAtOnce(client, port);
    }
  }

  /** The same method, once told to wait for a connection and once not. */
  @WaitForReady
  interface Patient {
    int add(int a, int b);

    @WaitForReady(false)
    int addNow(int a, int b);
  }

  @Test
  void waitForReadyOnAnInterfaceOrMethodOverridesTheClientDefault() throws Exception {
    int port = freePort();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .timeout(Duration.ofMillis(800)).build()) {
      Patient patient = client.proxy(Patient.class);
      long start = System.nanoTime();
      RpcException waited = assertThrows(RpcException.class, () -> patient.add(1, 2));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waited.getMessage().contains("could be made within its timeout of 800 ms"),
          waited.getMessage());
      assertTrue(took >= 750, "waited only " + took + " ms");
      start = System.nanoTime();
      RpcException now = assertThrows(RpcException.class, () -> patient.addNow(1, 2));
      took = (System.nanoTime() - start) / 1_000_000;
      assertTrue(now.getMessage().contains("It did not run, so it is safe to retry"),
          now.getMessage());
      assertTrue(took < 500, "failed after " + took + " ms");
    }
  }

  @Test
  void withWaitForReadyACallWaitsItsTimeoutWhenNothingListens() throws Exception {
    int port = freePort();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .timeout(Duration.ofMillis(700)).waitForReady(true).build()) {
      long start = System.nanoTime();
      RpcException e =
          assertThrows(RpcException.class, () -> client.proxy(Calculator.class).add(1, 2));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.UNAVAILABLE, e.code());
      assertTrue(e.getMessage().startsWith("Call to io.minirpc.it.Calculator.add(int,int) at "
          + "127.0.0.1:" + port + " was not sent: no connection to 127.0.0.1:" + port + " could"
          + " be made within its timeout of 700 ms (last attempt: cannot connect: "),
          e.getMessage());
      assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
      assertTrue(e.getMessage().endsWith(". It did not run. Check that the server is running and"
          + " reachable; the client keeps reconnecting"), e.getMessage());
      assertTrue(took >= 650 && took < 3000, "failed after " + took + " ms");
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void theDeprecatedFailFastStillFailsAtOnce() throws Exception {
    int port = freePort();
    try (RpcClient client = RpcClient.builder().address("127.0.0.1", port).codec(codec)
        .timeout(Duration.ofSeconds(30)).failFast(true).build()) {
      assertCallsFailAtOnce(client, port);
    }
  }

  @Test
  void unavailableForPendingCallsWhenTheServerGoesAwayAndTheNextCallReconnects()
      throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s.gracePeriod(Duration.ZERO), c -> c)) {
      int port = f.server.port();
      Calculator calc = f.calculator();
      assertEquals(2, calc.add(1, 1));
      CompletableFuture<Integer> pending = calc.echoLater(10_000, 1);
      Thread.sleep(100);
      long start = System.nanoTime();
      f.server.close();
      Exception e = assertThrows(Exception.class, () -> pending.get(5, TimeUnit.SECONDS));
      long took = (System.nanoTime() - start) / 1_000_000;
      RpcException cause = (RpcException) e.getCause();
      assertEquals(Code.UNAVAILABLE, cause.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.echoLater(int,int) at 127.0.0.1:" + port
              + " failed: the server shut down before the call finished: it did not end within"
              + " the grace period of 0 ms (minirpc.server.gracePeriod). It may have partly run",
          cause.getMessage());
      assertTrue(took < 3000, "pending call failed after " + took + " ms");

      // The client is found out at once that nothing listens...
      RpcException refused = assertThrows(RpcException.class, () -> calc.add(2, 3));
      assertEquals(Code.UNAVAILABLE, refused.code());
      assertTrue(refused.getMessage().contains("It did not run"), refused.getMessage());
      // ...and finds a server restarted on the same port by itself (backoff at most 5 s).
      try (RpcServer again = RpcServer.builder().host("127.0.0.1").port(port)
          .register(Calculator.class, new CalculatorImpl()).build().start()) {
        assertEquals(5, eventually(() -> calc.add(2, 3), Duration.ofSeconds(10)));
      }
    }
  }

  /** Calls {@code call} until it stops failing with UNAVAILABLE, for at most {@code limit}. */
  static <T> T eventually(java.util.function.Supplier<T> call, Duration limit)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        return call.get();
      } catch (RpcException e) {
        if (e.code() != Code.UNAVAILABLE || System.nanoTime() > end) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @Test
  void notFoundForAServiceTheServerDoesNotHave() {
    try (Fixture f = Fixture.start(codec)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.client.proxy(Unregistered.class).hello());
      assertEquals(Code.NOT_FOUND, e.code());
      assertEquals(
          "Call to io.minirpc.it.ErrorsTest$Unregistered.hello() at " + at(f) + " was not sent:"
              + " the server has no service io.minirpc.it.ErrorsTest$Unregistered (it serves:"
              + " io.minirpc.health.Health, io.minirpc.it.Calculator, io.minirpc.it.TypesService)."
              + " Register it on the server, or check that the client points at the right server",
          e.getMessage());
      // The connection survives: the next call works.
      assertEquals(3, f.calculator().add(1, 2));
    }
  }

  @Test
  void codecErrorWhenTheServerDoesNotSpeakTheClientsCodec() {
    String other = codec.equals("json") ? "kryo" : "json";
    try (Fixture f = Fixture.start(codec, s -> s.codecs(other), c -> c)) {
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> f.calculator().add(1, 2));
      assertEquals(Code.CODEC, e.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.add(int,int) at " + at(f) + " was not sent: The"
              + " server at " + at(f) + " does not speak codec '" + codec + "' (it speaks: "
              + other + "). Set minirpc.codec on the client to one of those, or install the"
              + " codec's module on the server",
          e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3),
          "the mismatch is known at the handshake, not after the call's timeout");
      RpcException again = assertThrows(RpcException.class, () -> f.calculator().add(1, 2));
      assertEquals(Code.CODEC, again.code(), "later calls fail at once too");
    }
  }

  @Test
  void applicationWhenTheExceptionCannotBeRebuilt() {
    try (Fixture f =
        Fixture.start(codec, s -> s.sendStackTraces(true).errorDetails(true), c -> c)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.calculator().fail("no-usable-constructor", "ignored"));
      assertEquals(Code.APPLICATION, e.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.fail(java.lang.String,java.lang.String) at " + at(f)
              + " failed: the implementation threw"
              + " io.minirpc.it.CalculatorImpl$CodedException: failed with code 42 (not rebuilt"
              + " on the client: it has no constructor that takes a message (String), a message"
              + " and a cause (String, Throwable), nothing, or values of its own fields)",
          e.getMessage());
      // The remote stack trace travels as a suppressed exception.
      assertEquals(CalculatorImpl.class.getName(),
          e.getSuppressed()[0].getStackTrace()[0].getClassName());
    }
  }

  @Test
  void anExceptionWithoutAMessageConstructorIsRebuiltThroughTheOneWithoutArguments() {
    try (Fixture f = Fixture.start(codec, s -> s.errorDetails(true), c -> c)) {
      CalculatorImpl.NoMessageConstructorException e =
          assertThrows(CalculatorImpl.NoMessageConstructorException.class,
              () -> f.calculator().fail("no-message-constructor", "ignored"));
      assertEquals("built without a message constructor", e.getMessage());
    }
  }

  @Test
  void applicationForAnUndeclaredCheckedExceptionWhenDetailsAreOn() {
    try (Fixture f = Fixture.start(codec, s -> s.errorDetails(true), c -> c)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.calculator().fail("undeclared-checked", "disk on fire"));
      assertEquals(Code.APPLICATION, e.code());
      assertTrue(e.getMessage().contains(
          "the implementation threw java.io.IOException: disk on fire (not rebuilt on the"
              + " client: it is a checked exception that io.minirpc.it.Calculator.fail("
              + "java.lang.String,java.lang.String) does not declare"), e.getMessage());
    }
  }

  @Test
  void applicationForAnErrorWhenDetailsAreOn() {
    try (Fixture f = Fixture.start(codec, s -> s.errorDetails(true), c -> c)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.calculator().fail("error", "invariant broken"));
      assertEquals(Code.APPLICATION, e.code());
      assertTrue(e.getMessage().contains(
          "the implementation threw java.lang.AssertionError: invariant broken (not rebuilt on"
              + " the client: it is not an Exception"), e.getMessage());
    }
  }

  @Test
  void anUndeclaredExceptionReachesTheCallerAsInternalWithAnErrorIdByDefault() {
    try (Fixture f = Fixture.start(codec, s -> s.sendStackTraces(true), c -> c)) {
      for (String kind : new String[] {"undeclared-checked", "error", "no-message-constructor"}) {
        RpcException e = assertThrows(RpcException.class,
            () -> f.calculator().fail(kind, "jdbc:postgresql://db.internal/prod?password=x"));
        assertEquals(Code.INTERNAL, e.code());
        assertTrue(e.getMessage().matches("Call to io\\.minirpc\\.it\\.Calculator\\.fail\\("
            + "java\\.lang\\.String,java\\.lang\\.String\\) at .* failed: the server failed"
            + " while running io\\.minirpc\\.it\\.Calculator\\.fail\\(java\\.lang\\.String,"
            + "java\\.lang\\.String\\) \\(error id [0-9a-f]+; the server's log has the details\\)\\."
            + " Declare the exception in the method's throws clause to send it to callers, or set"
            + " minirpc\\.server\\.errorDetails=true"), e.getMessage());
        assertEquals(0, e.getSuppressed().length, "no stack trace of a hidden exception");
      }
      // A runtime exception the method declares still comes back as itself.
      IllegalArgumentException declared = assertThrows(IllegalArgumentException.class,
          () -> f.calculator().fail("illegal-argument", "bad input"));
      assertEquals("bad input", declared.getMessage());
    }
  }

  @Test
  void resourceExhaustedWhenEveryWorkerIsBusyAndTheQueueFull() throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s.threads(1).queueCapacity(0), c -> c)) {
      Calculator calc = f.calculator();
      CompletableFuture<Integer> busy = calc.echoLater(0, 0); // warm the connection
      busy.get(5, TimeUnit.SECONDS);
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Integer> first = new AtomicReference<>();
      Thread t = new Thread(() -> {
        started.countDown();
        first.set(calc.sleepThenEcho(1000, 1));
      });
      t.start();
      started.await();
      Thread.sleep(200);
      long start = System.nanoTime();
      RpcException e = assertThrows(RpcException.class, () -> calc.sleepThenEcho(0, 2));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.sleepThenEcho(int,int) at " + at(f) + " failed: the"
              + " server is overloaded: all worker threads are busy and the queue is full"
              + " (minirpc.server.threads=1, minirpc.server.queue=0). Retry later with backoff,"
              + " or raise those limits",
          e.getMessage());
      assertTrue(took < 500, "refusal took " + took + " ms");
      t.join();
      assertEquals(1, first.get());
    }
  }

  @Test
  void resourceExhaustedForARequestOverTheFrameLimitWhichIsNeverSent() {
    try (Fixture f = Fixture.start(codec, s -> s, c -> c.maxFrameSize(64 * 1024))) {
      assertRefusedOverTheFrameLimitAndStillUsable(f);
    }
  }

  @Test
  void theFirstCallOfAFreshClientIsRefusedBeforeSendingOverTheServersSmallerFrameLimit() {
    // The client allows 16 MiB and knows the server's 64 KiB only from its HELLO, which arrives
    // after this first call was encoded.
    try (Fixture f = Fixture.start(codec, s -> s.maxFrameSize(64 * 1024), c -> c)) {
      assertRefusedOverTheFrameLimitAndStillUsable(f);
    }
  }

  /** A 100 KiB request over a 64 KiB limit fails unsent, and the connection serves on. */
  private void assertRefusedOverTheFrameLimitAndStillUsable(Fixture f) {
    TypesService types = f.client.proxy(TypesService.class);
    RpcException e = assertThrows(RpcException.class, () -> types.echoBytes(new byte[100 * 1024]));
    assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
    // The size that broke the limit, and, with JSON, what base64 made of it (issue 17).
    assertEquals(
        "Call to io.minirpc.it.TypesService.echoBytes(byte[]) at " + at(f) + " was refused"
            + " before sending: the request is larger than the maximum frame size of 65536"
            + " bytes (minirpc.maxFrameSize of client and server). Its largest argument is"
            + " argument 1, a byte[] of 102400 bytes"
            + (codec.equals("json") ? ", which the json codec writes as base64: about 136538"
                + " bytes (the kryo codec writes bytes as they are)" : "")
            + ". Send less data per call, or raise minirpc.maxFrameSize on both client and"
            + " server",
        e.getMessage());
    assertEquals(3, f.calculator().add(1, 2), "the connection is still usable");
  }

  @Test
  void resourceExhaustedAtOnceForAResponseOverTheServersFrameLimit() {
    try (Fixture f = Fixture.start(codec, s -> s.maxFrameSize(64 * 1024),
        c -> c.timeout(Duration.ofSeconds(30)))) {
      long start = System.nanoTime();
      // A small request whose answer is 100 KiB.
      RpcException e = assertThrows(RpcException.class,
          () -> f.calculator().repeat("x", 100 * 1024));
      long took = (System.nanoTime() - start) / 1_000_000;
      assertEquals(Code.RESOURCE_EXHAUSTED, e.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.repeat(java.lang.String,int) at " + at(f)
              + " failed: the result of io.minirpc.it.Calculator.repeat(java.lang.String,int)"
              + " is larger than the maximum frame size of 65536 bytes (minirpc.maxFrameSize), so"
              + " the server did not send it. The result is a string of 102400 characters."
              + " Return less data per call, or raise minirpc.maxFrameSize on both client and"
              + " server",
          e.getMessage());
      assertTrue(took < 5000, "the caller waited " + took + " ms instead of failing at once");
    }
  }

  @Test
  void cancelledWhenTheClientClosesWithCallsPending() throws Exception {
    try (Fixture f = Fixture.start(codec)) {
      Calculator calc = f.calculator();
      CompletableFuture<Integer> pending = calc.echoLater(10_000, 1);
      Thread.sleep(100);
      f.client.close();
      Exception e = assertThrows(Exception.class, () -> pending.get(5, TimeUnit.SECONDS));
      RpcException cause = (RpcException) e.getCause();
      assertEquals(Code.CANCELLED, cause.code());
      assertEquals(
          "Call to io.minirpc.it.Calculator.echoLater(int,int) at " + at(f) + " was cancelled:"
              + " the client was closed while the call was pending",
          cause.getMessage());
      RpcException after = assertThrows(RpcException.class, () -> calc.add(1, 2));
      assertEquals(Code.UNAVAILABLE, after.code());
    }
  }

  @Test
  void cancellingAnAsyncCallEndsItAtOnce() {
    try (Fixture f = Fixture.start(codec)) {
      CompletableFuture<Integer> pending = f.calculator().echoLater(10_000, 1);
      assertTrue(pending.cancel(true));
      assertTrue(pending.isCancelled());
      assertEquals(3, f.calculator().add(1, 2));
    }
  }

  @Test
  void internalForABlockingCallOnTheClientsIoThread() throws Exception {
    try (Fixture f = Fixture.start(codec)) {
      Calculator calc = f.calculator();
      CompletableFuture<Integer> nested = calc.echoLater(10, 1).thenApply(v -> calc.add(v, 1));
      Exception e = assertThrows(Exception.class, () -> nested.get(5, TimeUnit.SECONDS));
      RpcException cause = (RpcException) e.getCause();
      assertEquals(Code.INTERNAL, cause.code());
      assertTrue(cause.getMessage().contains("a blocking call was made on the client's I/O"
          + " thread"), cause.getMessage());
      // The ...Async variant leaves the I/O thread and works.
      assertEquals(3, calc.echoLater(10, 1).thenApplyAsync(v -> calc.add(v, 2))
          .get(5, TimeUnit.SECONDS));
    }
  }
}
