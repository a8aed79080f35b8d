package io.minirpc.micrometer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class ShopImpl implements Shop {
  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public double add(double a, double b) {
    return a + b;
  }

  @Override
  public int order(String item, int quantity) throws OutOfStockException {
    if (quantity < 0) {
      throw new OutOfStockException(item);
    }
    return quantity;
  }

  @Override
  public int slow(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return millis;
  }

  @Override
  public CompletableFuture<String> later(int millis, String value) {
    return CompletableFuture.supplyAsync(() -> value,
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  @Override
  public java.util.concurrent.Flow.Publisher<Integer> count(int n) {
    return io.minirpc.Streams.fromStream(java.util.stream.IntStream.range(0, n).boxed());
  }
}
