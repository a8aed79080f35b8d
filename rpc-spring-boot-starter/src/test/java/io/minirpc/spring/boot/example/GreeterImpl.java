package io.minirpc.spring.boot.example;

import io.minirpc.spring.boot.RpcServerHealthIndicator;
import io.minirpc.spring.boot.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Status;

/** Served by the starter's server because of {@link RpcService}. */
@RpcService
class GreeterImpl implements Greeter {
  private final ObjectProvider<RpcServerHealthIndicator> health;

  GreeterImpl(ObjectProvider<RpcServerHealthIndicator> health) {
    this.health = health;
  }

  @Override
  public String greet(String name) {
    return "Hello, " + name;
  }

  @Override
  public String fail(String message) {
    throw new IllegalStateException(message);
  }

  /** Calls of {@link #healthOnceDraining} that reached this implementation. */
  static final java.util.concurrent.atomic.AtomicInteger DRAINING_CALLS =
      new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public CompletableFuture<String> healthOnceDraining() {
    DRAINING_CALLS.incrementAndGet();
    return CompletableFuture.supplyAsync(() -> {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Status status = health.getObject().health().getStatus();
      while (status.equals(Status.UP) && System.nanoTime() < end) {
        sleep(10);
        status = health.getObject().health().getStatus();
      }
      sleep(200); // still in flight a while after the drain began
      return status.getCode();
    });
  }

  @Override
  public java.util.concurrent.Flow.Publisher<String> greetings(String name, int n) {
    return io.minirpc.Streams.fromStream(
        java.util.stream.IntStream.range(0, n).mapToObj(i -> "Hello #" + i + ", " + name));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
