package io.minirpc.it.versions;

import java.util.Map;

/**
 * Two versions of one small application, written as its developers would write them: version 2
 * added fields, constants, a method and a required field, widened two numbers, dropped a field,
 * and changed one field's type. Each is compiled on its own ({@link Compiled}).
 */
public final class Shop {
  private Shop() {}

  private static Map<String, String> sources(String... namesAndTexts) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < namesAndTexts.length; i += 2) {
      m.put(namesAndTexts[i], namesAndTexts[i + 1]);
    }
    return m;
  }

  private static final String INVENTORY = """
      public interface Inventory {
        Item item();
        String inspect(Item item);
        Color color();
        String paint(Color color);
        Prefs prefs();
        String inspectPrefs(Prefs prefs);
        Stock stock();
        String deliver(Delivery delivery);
        Price price(String sku);
        String place(Order order);
        void reserve(String sku) throws OutOfStock;
        ItemBox box();
        Spot spot();
        Spot[] spots();
        Op op();
        String apply(Op op);
      %s}
      """;

  private static final String IMPLEMENTATION = """
      public class InventoryImpl implements Inventory {
        public Item item() { return Samples.item(); }
        public String inspect(Item item) { return item.toString(); }
        public Color color() { return Samples.color(); }
        public String paint(Color color) { return "painted " + color; }
        public Prefs prefs() { return new Prefs(); }
        public String inspectPrefs(Prefs prefs) { return prefs.toString(); }
        public Stock stock() { return new Stock(7, 1.5f); }
        public String deliver(Delivery delivery) { return delivery.toString(); }
        public Price price(String sku) { return Samples.price(); }
        public String place(Order order) { return order.toString(); }
        public void reserve(String sku) throws OutOfStock { throw Samples.outOfStock(sku); }
        public ItemBox box() {
          ItemBox box = new ItemBox();
          box.owner = "ada";
          box.items.add(Samples.item());
          return box;
        }
        public Spot spot() { Spot s = new Spot(); s.x = 3; s.y = 4; return s; }
        public Spot[] spots() { return new Spot[] {spot(), null, spot()}; }
        public Op op() { return Op.SUB; }
        public String apply(Op op) { return op + "=" + op.apply(6, 2); }
      %s}
      """;

  /** Version 1. */
  public static Compiled v1() {
    return Compiled.of("shop", sources(
        "Color", "public enum Color { RED, GREEN }",
        "Size", "public enum Size { S, M, @io.minirpc.Fallback UNKNOWN }",
        "Item", "public record Item(String name, int quantity, Color color, Size size,"
            + " String legacy) {}",
        "Prefs", """
            public class Prefs {
              public int pageSize = 20;
              public String theme = "light";
              public String toString() { return "Prefs[pageSize=" + pageSize + ", theme=" + theme + "]"; }
            }""",
        "Box", "public class Box<T> { public java.util.List<T> items = new java.util.ArrayList<>(); }",
        "ItemBox", "public class ItemBox extends Box<Item> {"
            + " public String owner; public String toString() { return owner + items; } }",
        "Spot", "public class Spot { public int x; public int y;"
            + " public String toString() { return x + \",\" + y; } }",
        "Op", """
            public enum Op {
              ADD { public int apply(int a, int b) { return a + b; } },
              SUB { public int apply(int a, int b) { return a - b; } };
              public abstract int apply(int a, int b);
            }""",
        "Stock", "public record Stock(int count, float price) {}",
        "Delivery", "public record Delivery(String sku, int amount) {}",
        "Price", "public record Price(String currency, long cents) {}",
        "Order", "public record Order(String id) {}",
        "OutOfStock", """
            public class OutOfStock extends Exception {
              private final String sku;
              public OutOfStock(String sku) { super("out of stock: " + sku); this.sku = sku; }
              public String sku() { return sku; }
            }""",
        "Inventory", INVENTORY.formatted(""),
        "InventoryImpl", IMPLEMENTATION.formatted(""),
        "Samples", """
            public final class Samples {
              public static Item item() { return new Item("bolt", 3, Color.GREEN, Size.M, "old"); }
              public static Color color() { return Color.GREEN; }
              public static Prefs prefs() { Prefs p = new Prefs(); p.pageSize = 50; return p; }
              public static Delivery delivery() { return new Delivery("b-1", 12); }
              public static Price price() { return new Price("EUR", 250); }
              public static Order order() { return new Order("o-1"); }
              public static OutOfStock outOfStock(String sku) { return new OutOfStock(sku); }
            }"""));
  }

  /** Version 2. */
  public static Compiled v2() {
    return Compiled.of("shop", sources(
        "Color", "public enum Color { RED, GREEN, BLUE }",
        "Size", "public enum Size { S, M, XL, @io.minirpc.Fallback UNKNOWN }",
        "Item", "public record Item(String name, int quantity, Color color, Size size,"
            + " String warehouse, java.util.List<String> tags,"
            + " java.util.Optional<String> note, boolean fragile, int shelf) {}",
        "Prefs", """
            public class Prefs {
              public int pageSize = 20;
              public String theme = "light";
              public String language = "en";
              public long[] ids;
              public java.util.Queue<String> queue;
              public String toString() {
                return "Prefs[pageSize=" + pageSize + ", theme=" + theme + ", language=" + language
                    + ", ids=" + (ids == null ? null : ids.length) + ", queue=" + queue + "]";
              }
            }""",
        "Box", "public class Box<E> { public java.util.List<E> items = new java.util.ArrayList<>(); }",
        "ItemBox", "public class ItemBox extends Box<Item> {"
            + " public String owner; public String toString() { return owner + items; } }",
        "Spot", "public final class Spot { public int x; public int y;"
            + " public String toString() { return x + \",\" + y; } }",
        "Op", """
            public enum Op {
              ADD { public int apply(int a, int b) { return a + b; } },
              SUB { public int apply(int a, int b) { return a - b; } },
              MUL { public int apply(int a, int b) { return a * b; } };
              public abstract int apply(int a, int b);
            }""",
        "Stock", "public record Stock(long count, double price) {}",
        "Delivery", "public record Delivery(String sku, long amount) {}",
        "Price", "public record Price(String currency, String cents) {}",
        "Order", """
            public record Order(String id, @NotNull String customer) {
              @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
              public @interface NotNull {}
            }""",
        "OutOfStock", """
            public class OutOfStock extends Exception {
              private final String sku;
              private final long available;
              private final java.util.List<String> nearby;
              public OutOfStock(String sku, long available, java.util.List<String> nearby) {
                super("out of stock: " + sku + " (" + available + " available)");
                this.sku = sku;
                this.available = available;
                this.nearby = nearby;
              }
              public String sku() { return sku; }
              public long available() { return available; }
              public java.util.List<String> nearby() { return nearby; }
            }""",
        "Inventory", INVENTORY.formatted("  String describe();\n"),
        "InventoryImpl", IMPLEMENTATION.formatted(
            "  public String describe() { return \"version 2\"; }\n"),
        "Samples", """
            public final class Samples {
              public static Item item() {
                return new Item("nut", 5, Color.GREEN, Size.XL, "north", java.util.List.of("m8"),
                    java.util.Optional.of("fragile"), true, 12);
              }
              public static Color color() { return Color.BLUE; }
              public static Prefs prefs() {
                Prefs p = new Prefs(); p.pageSize = 50; p.language = "fr"; p.ids = new long[] {1};
                p.queue = new java.util.ArrayDeque<>(java.util.List.of("q")); return p;
              }
              public static Delivery delivery() { return new Delivery("b-2", 5_000_000_000L); }
              public static Price price() { return new Price("EUR", "2.50"); }
              public static Order order() { return new Order("o-2", "ada"); }
              public static OutOfStock outOfStock(String sku) {
                return new OutOfStock(sku, 3, java.util.List.of("lyon", "gent"));
              }
            }"""));
  }
}
