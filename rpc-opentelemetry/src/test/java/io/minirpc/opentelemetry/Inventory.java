package io.minirpc.opentelemetry;

import java.util.concurrent.CompletableFuture;

/** Server B: the service the front calls inside its own calls. */
public interface Inventory {
  int reserve(String item) throws SoldOutException;

  CompletableFuture<Integer> reserveLater(String item);
}
