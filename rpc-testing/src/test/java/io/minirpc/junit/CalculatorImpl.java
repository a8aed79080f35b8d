package io.minirpc.junit;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class CalculatorImpl implements Calculator {
  @Override
  public int add(int a, int b) {
    return a + b;
  }

  @Override
  public int divide(int a, int b) throws DivisionByZeroException {
    if (b == 0) {
      throw new DivisionByZeroException(a + " / 0");
    }
    return a / b;
  }

  @Override
  public CompletableFuture<Long> factorial(int n) {
    return CompletableFuture.supplyAsync(() -> {
      long f = 1;
      for (int i = 2; i <= n; i++) {
        f *= i;
      }
      return f;
    });
  }

  @Override
  public CompletableFuture<String> later(int millis, String value) {
    return CompletableFuture.supplyAsync(() -> value,
        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
  }

  @Override
  public void broken(String message) {
    throw new IllegalStateException(message);
  }

  @Override
  public int total(List<Integer> values) {
    int sum = 0;
    for (int v : values) {
      sum += v;
    }
    return sum;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"}) // on purpose: a value the declared type forbids
  public List<Integer> polluted() {
    return (List) List.of(new Box("not a number", Optional.empty()));
  }

  @Override
  public Box echo(Box box) {
    return box;
  }
}
