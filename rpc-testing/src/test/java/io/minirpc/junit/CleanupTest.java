package io.minirpc.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Everything the extension starts is gone once JUnit is done with a test (or a class): no thread
 * named {@code minirpc-*} is left, even after a failed test or one that left a call in flight.
 * Each case runs a sample test class with JUnit's own engine and looks at the JVM afterwards.
 */
class CleanupTest {
  /** Set while a case runs its sample, so that Surefire's own run skips the samples. */
  private static volatile boolean sampling;
  /** What the samples saw, in order. */
  private static final List<String> seen = new CopyOnWriteArrayList<>();

  static boolean sampling() {
    return sampling;
  }

  @AfterEach
  void clear() {
    seen.clear();
  }

  @Test
  void aServerPerTestIsClosedAfterEachTestEvenAFailedOne() {
    Set<String> before = minirpcThreads();
    Events tests = run(PerTestSample.class);
    tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1));
    assertEquals(Set.of(), newThreads(before));
    assertEquals(3, seen.size(), seen.toString());
    assertEquals(3, Set.copyOf(seen).size(), "a server of its own for each test: " + seen);
  }

  @Test
  void aServerPerClassServesEveryTestAndIsClosedAfterTheLast() {
    Set<String> before = minirpcThreads();
    Events tests = run(PerClassSample.class);
    tests.assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(Set.of(), newThreads(before));
    assertEquals(2, seen.size(), seen.toString());
    assertEquals(1, Set.copyOf(seen).size(), "one server for the class: " + seen);
  }

  @Test
  void perClassOnAnInstanceFieldFailsSayingWhatToDo() {
    Set<String> before = minirpcThreads();
    Events tests = run(PerClassOnAnInstanceFieldSample.class);
    tests.assertStatistics(s -> s.started(1).failed(1));
    Throwable t = tests.failed().list().get(0)
        .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    assertEquals(ExtensionConfigurationException.class, t.getClass());
    assertEquals("RpcTestServer.builder().perClass() starts the server before all tests, which"
        + " JUnit tells only extensions on static fields: make the @RegisterExtension field"
        + " static, or drop perClass()", t.getMessage());
    assertEquals(Set.of(), newThreads(before));
  }

  @Test
  void outsideATestTheServerIsNotThere() {
    RpcTestServer unused = RpcTestServer.builder()
        .register(Calculator.class, new CalculatorImpl()).build();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> unused.proxy(Calculator.class));
    assertEquals("The RpcTestServer is not running: it starts before each test (before all of"
        + " them with perClass() on a static field); use it in a test or in a @BeforeEach"
        + " method", e.getMessage());
    assertEquals("No service is registered: call register(Interface.class, implementation)",
        assertThrows(IllegalStateException.class,
            () -> RpcTestServer.builder().build()).getMessage());
  }

  private static Events run(Class<?> sample) {
    sampling = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute()
          .testEvents();
    } finally {
      sampling = false;
    }
  }

  private static Set<String> minirpcThreads() {
    Set<String> names = new TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("minirpc-")) {
        names.add(t.getName() + "#" + t.getId());
      }
    }
    return names;
  }

  private static Set<String> newThreads(Set<String> before) {
    Set<String> now = minirpcThreads();
    now.removeAll(before);
    return now;
  }

  /** Records the address and that minirpc threads run, while a sample test runs. */
  private static void record(RpcTestServer server) {
    seen.add(server.address());
    assertFalse(minirpcThreads().isEmpty(), "the server and the client have threads");
  }

  @EnabledIf("io.minirpc.junit.CleanupTest#sampling")
  static class PerTestSample {
    @RegisterExtension
    static RpcTestServer server = RpcTestServer.builder()
        .register(Calculator.class, new CalculatorImpl())
        .codec("kryo")
        .build();

    @Test
    void passes(Calculator calc) {
      record(server);
      assertEquals(3, calc.add(1, 2));
    }

    @Test
    void fails(Calculator calc) {
      record(server);
      assertEquals(3, calc.add(1, 2));
      throw new AssertionError("this test fails on purpose");
    }

    @Test
    void leavesACallInFlightAndAnotherClientOpen(Calculator calc) {
      record(server);
      CompletableFuture<String> pending = calc.later(300, "late");
      assertFalse(pending.isDone());
      assertEquals(5, server.newClient(b -> b.codec("json")).proxy(Calculator.class).add(2, 3));
    }
  }

  @EnabledIf("io.minirpc.junit.CleanupTest#sampling")
  static class PerClassSample {
    @RegisterExtension
    static RpcTestServer server = RpcTestServer.builder()
        .register(Calculator.class, new CalculatorImpl())
        .perClass()
        .build();

    @Test
    void first(Calculator calc) {
      record(server);
      assertEquals(3, calc.add(1, 2));
    }

    @Test
    void second(Calculator calc) {
      record(server);
      assertEquals(3, calc.add(1, 2));
    }
  }

  @EnabledIf("io.minirpc.junit.CleanupTest#sampling")
  static class PerClassOnAnInstanceFieldSample {
    @RegisterExtension
    RpcTestServer server = RpcTestServer.builder()
        .register(Calculator.class, new CalculatorImpl())
        .perClass()
        .build();

    @Test
    void neverRuns() {
      throw new AssertionError("beforeEach should have refused the extension");
    }
  }
}
