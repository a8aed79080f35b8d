package com.example.shop;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The implementation the server registers. */
public final class InMemoryCatalog implements Catalog {
  private final List<Item> items = List.of(
      new Item("A-1", "kettle", 2_499, List.of("kitchen")),
      new Item("B-2", "lamp", 1_999, List.of("living", "light")),
      new Item("C-3", "pan", 3_250, List.of("kitchen")));

  @Override
  public Item item(String sku) throws NoSuchItemException {
    return items.stream().filter(i -> i.sku().equals(sku)).findFirst()
        .orElseThrow(() -> new NoSuchItemException("no item " + sku));
  }

  @Override
  public List<Item> search(String tag) {
    return items.stream().filter(i -> i.tags().contains(tag)).toList();
  }

  @Override
  public CompletableFuture<Integer> count() {
    return CompletableFuture.completedFuture(items.size());
  }
}
