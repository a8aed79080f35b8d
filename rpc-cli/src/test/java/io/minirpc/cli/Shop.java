package io.minirpc.cli;

import java.math.BigDecimal;
import java.util.List;

/** The service the CLI tests call: a primitive method, records, a declared exception, void. */
public interface Shop {
  int add(int a, int b);

  Receipt order(Order order);

  void close(String reason) throws IllegalStateException;

  record Order(String item, int quantity, List<String> notes) {}

  record Receipt(String id, Order order, BigDecimal total) {}
}
