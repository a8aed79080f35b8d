package io.minirpc.opentelemetry;

import java.util.concurrent.CompletableFuture;

/** Server A: its implementation calls Inventory on server B. */
public interface Front {
  String order(String item) throws SoldOutException;

  CompletableFuture<String> orderLater(String item);

  /** Throws an RpcException with the code named, without calling anyone. */
  void refuse(String code);
}
