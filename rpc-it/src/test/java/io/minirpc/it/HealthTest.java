package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.health.Health;
import io.minirpc.health.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The health service every server serves: statuses, watching, drain, authentication. */
class HealthTest {
  private static final String CALCULATOR = Calculator.class.getName();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void everyServerServesHealthAndEveryStatusStartsServing(String codec) {
    try (Fixture f = Fixture.start(codec)) {
      Health health = f.client.proxy(Health.class);
      assertEquals(HealthStatus.SERVING, health.check(Health.SERVER));
      assertEquals(HealthStatus.SERVING, health.check(CALCULATOR));
      assertEquals(HealthStatus.SERVING, f.server.health().get(Calculator.class));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void theApplicationSetsEachStatusIndependently(String codec) {
    try (Fixture f = Fixture.start(codec)) {
      Health health = f.client.proxy(Health.class);
      f.server.health().set(Calculator.class, HealthStatus.NOT_SERVING);
      assertEquals(HealthStatus.NOT_SERVING, health.check(CALCULATOR));
      assertEquals(HealthStatus.SERVING, health.check(TypesService.class.getName()));
      assertEquals(HealthStatus.SERVING, health.check(Health.SERVER));
      f.server.health().set(HealthStatus.UNKNOWN);
      assertEquals(HealthStatus.UNKNOWN, health.check(Health.SERVER));
      assertEquals(HealthStatus.UNKNOWN, f.server.health().get());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aWatcherIsAnsweredAsSoonAsTheStatusChanges(String codec) throws Exception {
    try (Fixture f = Fixture.start(codec)) {
      Health health = f.client.proxy(Health.class);
      CompletableFuture<HealthStatus> watch = health.await(CALCULATOR, HealthStatus.SERVING, 8000);
      Thread.sleep(200);
      assertFalse(watch.isDone(), "answered before anything changed");
      long start = System.nanoTime();
      f.server.health().set(Calculator.class, HealthStatus.NOT_SERVING);
      assertEquals(HealthStatus.NOT_SERVING, watch.get(5, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
      // A status other than the one last known is answered at once.
      assertEquals(HealthStatus.NOT_SERVING,
          health.await(CALCULATOR, HealthStatus.SERVING, 8000).get(1, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void aWatchEndsWithTheCurrentStatusAfterItsWaitOrBeforeTheCallsDeadline(String codec)
      throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s,
        c -> c.timeout(Duration.ofMillis(1500)))) {
      Health health = f.client.proxy(Health.class);
      long start = System.nanoTime();
      assertEquals(HealthStatus.SERVING, health.await(Health.SERVER, HealthStatus.SERVING, 300)
          .get(5, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
      // Asked to wait a minute with a 1.5 s timeout: answered before the timeout, not TIMEOUT.
      assertEquals(HealthStatus.SERVING,
          health.await(Health.SERVER, HealthStatus.SERVING, 60_000).get(5, TimeUnit.SECONDS));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void watchersHoldNoWorkerThread(String codec) throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s.threads(2), c -> c)) {
      Health health = f.client.proxy(Health.class);
      List<CompletableFuture<HealthStatus>> watches = new ArrayList<>();
      for (int i = 0; i < 16; i++) { // eight times the workers; the most one connection may park
        watches.add(health.await(CALCULATOR, HealthStatus.SERVING, 8000));
      }
      assertEquals(3, f.calculator().add(1, 2), "a call still finds a worker");
      f.server.health().set(Calculator.class, HealthStatus.NOT_SERVING);
      for (CompletableFuture<HealthStatus> w : watches) {
        assertEquals(HealthStatus.NOT_SERVING, w.get(5, TimeUnit.SECONDS));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void closeTurnsEveryStatusNotServingAndAnswersWatchersBeforeItDrains(String codec)
      throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s.gracePeriod(Duration.ofSeconds(20)), c -> c)) {
      Health health = f.client.proxy(Health.class);
      CompletableFuture<HealthStatus> whole = health.await(Health.SERVER, HealthStatus.SERVING,
          8000);
      CompletableFuture<HealthStatus> one = health.await(CALCULATOR, HealthStatus.SERVING, 8000);
      Thread.sleep(200);
      long start = System.nanoTime();
      f.server.close();
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5),
          "close waited for the watches");
      assertEquals(HealthStatus.NOT_SERVING, whole.get(1, TimeUnit.SECONDS));
      assertEquals(HealthStatus.NOT_SERVING, one.get(1, TimeUnit.SECONDS));
      assertEquals(HealthStatus.NOT_SERVING, f.server.health().get());
      f.server.health().set(HealthStatus.SERVING);
      assertEquals(HealthStatus.NOT_SERVING, f.server.health().get(), "set after close");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void anUnknownServiceIsNotFoundNamingTheServicesThereAre(String codec) {
    try (Fixture f = Fixture.start(codec)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.client.proxy(Health.class).check("com.example.Nope"));
      assertEquals(Code.NOT_FOUND, e.code());
      assertTrue(e.getMessage().endsWith("failed: the server has no service 'com.example.Nope'"
          + " to report the health of (it has: io.minirpc.it.Calculator,"
          + " io.minirpc.it.TypesService; \"\" for the whole server)"), e.getMessage());
    }
  }

  @org.junit.jupiter.api.Test
  void theApplicationCanSetOnlyServicesItRegisteredAndCannotRegisterHealth() {
    try (Fixture f = Fixture.start("json")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.server.health().set(Runnable.class, HealthStatus.NOT_SERVING));
      assertEquals("java.lang.Runnable is not registered on this server, so it has no health"
          + " status (registered: io.minirpc.it.Calculator, io.minirpc.it.TypesService)",
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().register(Health.class, new Health() {
          @Override
          public HealthStatus check(String service) {
            return HealthStatus.SERVING;
          }

          @Override
          public CompletableFuture<HealthStatus> await(String s, HealthStatus h, long w) {
            return null;
          }
        }));
    assertEquals("io.minirpc.health.Health is built in: every server serves it, with statuses"
        + " set through RpcServer.health()", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void withAnAuthenticatorHealthNeedsATokenButNotOneThatListsIt(String codec) {
    BearerTokenAuthenticator auth = BearerTokenAuthenticator.builder()
        .token("calc-only", Calculator.class).build();
    try (Fixture f = Fixture.start(codec, s -> s.authenticator(auth), c -> c)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.client.proxy(Health.class).check(Health.SERVER));
      assertEquals(Code.UNAUTHENTICATED, e.code(), e.getMessage());
      try (RpcClient c = RpcClient.builder().address("127.0.0.1", f.server.port()).codec(codec)
          .metadata("authorization", "Bearer calc-only").build()) {
        assertEquals(HealthStatus.SERVING, c.proxy(Health.class).check(CALCULATOR));
        assertEquals(Code.PERMISSION_DENIED, assertThrows(RpcException.class,
            () -> c.proxy(TypesService.class).echoInt(1)).code());
      }
    }
  }
}
