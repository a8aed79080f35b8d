package io.minirpc.it;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class CalculatorImpl implements Calculator {
  /** Completes delayed futures; one daemon thread no matter how many calls wait. */
  static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "calculator-scheduler");
        t.setDaemon(true);
        return t;
      });

  final AtomicInteger counter = new AtomicInteger();

  @Override
  public int add(int a, int b) {
    counter.incrementAndGet();
    return a + b;
  }

  @Override
  public double add(double a, double b) {
    return a + b;
  }

  @Override
  public long add(long... values) {
    long sum = 0;
    for (long v : values) {
      sum += v;
    }
    return sum;
  }

  @Override
  public String concat(String a, String b) {
    if (a == null && b == null) {
      return null;
    }
    return a + "+" + b;
  }

  @Override
  public void reset() {
    counter.set(0);
  }

  @Override
  public int counter() {
    return counter.get();
  }

  @Override
  public int divide(int a, int b) throws DivisionByZeroException {
    if (b == 0) {
      throw new DivisionByZeroException("cannot divide " + a + " by zero");
    }
    return a / b;
  }

  @Override
  public CompletableFuture<Long> factorial(int n) {
    long f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return CompletableFuture.completedFuture(f);
  }

  @Override
  public CompletionStage<String> greet(String name) {
    return CompletableFuture.supplyAsync(() -> "hello " + name, SCHEDULER);
  }

  @Override
  public CompletableFuture<Integer> echoLater(int millis, int value) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    SCHEDULER.schedule(() -> f.complete(value), millis, TimeUnit.MILLISECONDS);
    return f;
  }

  @Override
  public CompletableFuture<Integer> lengthLater(int millis, String s) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    SCHEDULER.schedule(() -> f.complete(s.length()), millis, TimeUnit.MILLISECONDS);
    return f;
  }

  @Override
  public int sleepThenEcho(int millis, int value) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return value;
  }

  @Override
  public void fail(String kind, String message) {
    switch (kind) {
      case "illegal-argument":
        throw new IllegalArgumentException(message);
      case "no-message-constructor":
        throw new NoMessageConstructorException();
      case "no-usable-constructor":
        throw new CodedException(42);
      case "undeclared-checked":
        throw sneaky(new java.io.IOException(message));
      case "error":
        throw new AssertionError(message);
      default:
        throw new IllegalStateException("unknown kind " + kind);
    }
  }

  @Override
  public CompletableFuture<Void> failAsync(String message) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(message));
  }

  @Override
  public List<String> nothing() {
    return null;
  }

  @Override
  public String repeat(String s, int times) {
    return s.repeat(times);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  /** An exception the client can only rebuild without a message: it has no constructor taking one. */
  public static class NoMessageConstructorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoMessageConstructorException() {
      super("built without a message constructor");
    }
  }

  /** An exception the client cannot rebuild: its only constructor takes a code. */
  public static class CodedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodedException(int code) {
      super("failed with code " + code);
    }
  }
}
