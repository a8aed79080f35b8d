package com.example.shop;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The service: a plain interface, shared by the server and its clients. */
public interface Catalog {
  Item item(String sku) throws NoSuchItemException;

  List<Item> search(String tag);

  CompletableFuture<Integer> count();
}
