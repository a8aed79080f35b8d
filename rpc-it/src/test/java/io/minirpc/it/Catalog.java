package io.minirpc.it;

import io.minirpc.Compress;
import java.util.ArrayList;
import java.util.List;

/** A service whose answers are large and repetitive, as a page of records is: compression pays. */
public interface Catalog {
  record Item(String name, String description, int quantity) {}

  /** A page of {@code size} items; compressed as the client asks. */
  List<Item> page(int size);

  /** The same page, always compressed with gzip. */
  @Compress("gzip")
  List<Item> gzippedPage(int size);

  /** The same page, never compressed. */
  @Compress(Compress.NONE)
  List<Item> plainPage(int size);

  /** How many items were sent: a large request. */
  int count(List<Item> items);

  String echo(String text);

  /** The page every method answers. */
  static List<Item> items(int size) {
    List<Item> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      items.add(new Item("item-" + i, "a description that repeats, as descriptions do", i));
    }
    return items;
  }

  /** The implementation: every page is {@link #items}. */
  static Catalog impl() {
    return new Catalog() {
      @Override
      public List<Item> page(int size) {
        return items(size);
      }

      @Override
      public List<Item> gzippedPage(int size) {
        return items(size);
      }

      @Override
      public List<Item> plainPage(int size) {
        return items(size);
      }

      @Override
      public int count(List<Item> items) {
        return items.size();
      }

      @Override
      public String echo(String text) {
        return text;
      }
    };
  }
}
