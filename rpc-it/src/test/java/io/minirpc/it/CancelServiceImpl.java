package io.minirpc.it;

import io.minirpc.RpcContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

final class CancelServiceImpl implements CancelService {
  @Override
  public int annotated(int millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      if (RpcContext.current().isCancelled() || Thread.currentThread().isInterrupted()) {
        return -1;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return millis;
  }

  @Override
  public int plain(int millis) {
    return annotated(millis);
  }

  @Override
  public CompletableFuture<Integer> workAsync(int millis) {
    Executor later = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS);
    return CompletableFuture.supplyAsync(() -> millis, later);
  }

  @Override
  public int echo(int n) {
    return n;
  }
}
