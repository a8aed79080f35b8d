package io.minirpc.it;

import io.minirpc.CallDeadline;
import io.minirpc.RpcClient;
import io.minirpc.RpcContext;
import io.minirpc.RpcException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the server saw: calls started, finished, and stopped by an interrupt. */
final class SlowServiceImpl implements SlowService {
  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger finished = new AtomicInteger();
  final AtomicInteger interrupted = new AtomicInteger();
  /** Counted down when a call is interrupted, with whether its context said it was cancelled. */
  volatile CountDownLatch stopped = new CountDownLatch(1);
  volatile boolean sawCancelled;

  @Override
  public long work(long millis) {
    started.incrementAndGet();
    long start = System.nanoTime();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      sawCancelled = RpcContext.current().isCancelled();
      interrupted.incrementAndGet();
      stopped.countDown();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    finished.incrementAndGet();
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Override
  public long workWithShortTimeout(long millis) {
    return work(millis);
  }

  @Override
  public CompletableFuture<Long> workAsync(long millis) {
    return CompletableFuture.completedFuture(work(millis));
  }

  @Override
  public Map<String, String> context() {
    RpcContext c = RpcContext.current();
    Map<String, String> m = new LinkedHashMap<>(c.metadata());
    m.put("remote", c.remoteAddress().map(Object::toString).orElse("none"));
    m.put(
        "deadlineMillis",
        c.deadline().map(d -> Long.toString(Duration.between(Instant.now(), d).toMillis()))
            .orElse("none"));
    m.put("cancelled", Boolean.toString(c.isCancelled()));
    return m;
  }

  @Override
  public long remainingMillis() {
    return RpcContext.current().remaining().map(Duration::toMillis).orElse(-1L);
  }

  @Override
  public long relay(int port, long millis) {
    try (RpcClient client =
        RpcClient.builder().address("127.0.0.1", port).timeout(Duration.ofSeconds(30)).build()) {
      return client.proxy(SlowService.class).work(millis);
    }
  }

  @Override
  public String relayInScope(int port, long millis, long scopeMillis) {
    try (RpcClient client =
            RpcClient.builder().address("127.0.0.1", port).timeout(Duration.ofSeconds(30)).build();
        CallDeadline.Scope scope = CallDeadline.after(Duration.ofMillis(scopeMillis))) {
      SlowService backend = client.proxy(SlowService.class);
      String remaining = "remaining=" + backend.remainingMillis() + "; ";
      try {
        return remaining + backend.work(millis);
      } catch (RpcException e) {
        return remaining + e.getMessage();
      }
    }
  }
}
