package io.minirpc.micrometer;

import java.util.concurrent.CompletableFuture;

/** The service the tests call. */
public interface Shop {
  int add(int a, int b);

  double add(double a, double b);

  /** Throws the declared exception for a negative quantity. */
  int order(String item, int quantity) throws OutOfStockException;

  /** Holds a worker for {@code millis}. */
  int slow(int millis);

  /** Completes after {@code millis}, holding no worker. */
  CompletableFuture<String> later(int millis, String value);

  /** 0 to n - 1, as a stream. */
  java.util.concurrent.Flow.Publisher<Integer> count(int n);
}
