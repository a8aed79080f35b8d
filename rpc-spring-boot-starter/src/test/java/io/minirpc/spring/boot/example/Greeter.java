package io.minirpc.spring.boot.example;

import java.util.concurrent.CompletableFuture;

/** The example's service: a plain interface, shared by the server and its callers. */
public interface Greeter {
  String greet(String name);

  /** Fails with an exception it does not declare. */
  String fail(String message);

  /**
   * Completes once the server has begun to drain, with the health Actuator reported then: a call
   * that is in flight when the application shuts down.
   */
  CompletableFuture<String> healthOnceDraining();

  /** {@code n} greetings of {@code name}, as a stream. */
  java.util.concurrent.Flow.Publisher<String> greetings(String name, int n);
}
