package io.minirpc.it;

import static io.minirpc.it.versions.Compiled.invoke;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.RpcServer;
import io.minirpc.it.versions.Compiled;
import io.minirpc.it.versions.Shop;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client and server with different versions of an application's classes, each compiled on its
 * own and loaded by its own class loader ({@link Shop}): what the evolution rules allow works in
 * both directions, with each codec, and what they do not is refused at the handshake, naming the
 * field, while the compatible methods go on.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"json", "kryo"})
class EvolutionTest {
  @Parameter String codec;

  private static Compiled v1;
  private static Compiled v2;
  private RpcServer server;
  private RpcClient client;

  @BeforeAll
  static void compile() {
    v1 = Shop.v1();
    v2 = Shop.v2();
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object connect(Compiled clientVersion, Compiled serverVersion) {
    Class iface = serverVersion.type("shop.Inventory");
    server = RpcServer.builder().host("127.0.0.1").port(0).codecs(codec)
        .register(iface, serverVersion.create("shop.InventoryImpl")).build().start();
    client = RpcClient.builder().address("127.0.0.1", server.port()).codec(codec)
        .timeout(Duration.ofSeconds(10)).build();
    return client.proxy((Class) clientVersion.type("shop.Inventory"));
  }

  @Test
  void anOldClientCallsANewServer() throws Throwable {
    Object inventory = connect(v1, v2);
    assertEquals("Item[name=nut, quantity=5, color=GREEN, size=UNKNOWN, legacy=null]",
        invoke(inventory, "item").toString(),
        "fields it lacks are skipped, one it has alone is null, an unknown constant falls back");
    assertEquals("Item[name=bolt, quantity=3, color=GREEN, size=M, warehouse=null, tags=[],"
        + " note=Optional.empty, fragile=false, shelf=0]",
        invoke(inventory, "inspect", v1.call("shop.Samples", "item")),
        "the server gives what the old client did not send its missing values");
    assertEquals("Prefs[pageSize=20, theme=light]", invoke(inventory, "prefs").toString());
    assertEquals("Prefs[pageSize=50, theme=light, language=en, ids=0, queue=[]]",
        invoke(inventory, "inspectPrefs", v1.call("shop.Samples", "prefs")),
        "a class's own default for a field it was not sent, else the field's missing value");
    assertEquals("Delivery[sku=b-1, amount=12]",
        invoke(inventory, "deliver", v1.call("shop.Samples", "delivery")),
        "an int the client writes widens to the server's long");

    RpcException blue = assertThrows(RpcException.class, () -> invoke(inventory, "color"));
    assertEquals(Code.CODEC, blue.code());
    assertTrue(blue.getMessage().contains("BLUE"), blue.getMessage());

    String at = "127.0.0.1:" + server.port();
    RpcException stock = assertThrows(RpcException.class, () -> invoke(inventory, "stock"));
    assertEquals(Code.CODEC, stock.code());
    assertEquals("Call to shop.Inventory.stock() at " + at + " was not sent: the classes it"
        + " carries differ in a way the other side cannot read: shop.Stock.count is int on the"
        + " client but long on the server (a number may only widen, from the server that writes"
        + " it to the client that reads it); shop.Stock.price is float on the client but double"
        + " on the server (a number may only widen, from the server that writes it to the client"
        + " that reads it). Change these classes only as the evolution rules allow"
        + " (docs/evolution.md), or deploy the same version of them on both", stock.getMessage());
    RpcException price = assertThrows(RpcException.class,
        () -> invoke(inventory, "price", "b-1"));
    assertEquals(Code.CODEC, price.code());
    assertTrue(price.getMessage().contains("shop.Price.cents is long on the client but"
        + " java.lang.String on the server"), price.getMessage());
    RpcException order = assertThrows(RpcException.class,
        () -> invoke(inventory, "place", v1.call("shop.Samples", "order")));
    assertEquals(Code.CODEC, order.code());
    assertTrue(order.getMessage().contains("shop.Order.customer is required on the server"
        + " (marked never null), but the client's shop.Order has no such field to send"),
        order.getMessage());

    assertEquals("painted GREEN", invoke(inventory, "paint", v1.call("shop.Samples", "color")),
        "the refused methods stop no other");
  }

  @Test
  void aNewClientCallsAnOldServer() throws Throwable {
    Object inventory = connect(v2, v1);
    assertEquals("Item[name=bolt, quantity=3, color=GREEN, size=M, warehouse=null, tags=[],"
        + " note=Optional.empty, fragile=false, shelf=0]", invoke(inventory, "item").toString());
    assertEquals("Item[name=nut, quantity=5, color=GREEN, size=UNKNOWN, legacy=null]",
        invoke(inventory, "inspect", v2.call("shop.Samples", "item")));
    assertEquals("Prefs[pageSize=20, theme=light, language=en, ids=0, queue=[]]",
        invoke(inventory, "prefs").toString());
    assertEquals("Prefs[pageSize=50, theme=light]",
        invoke(inventory, "inspectPrefs", v2.call("shop.Samples", "prefs")));
    assertEquals("Stock[count=7, price=1.5]", invoke(inventory, "stock").toString(),
        "the server's int and float widen to the client's long and double");
    assertEquals("Order[id=o-2]", invoke(inventory, "place", v2.call("shop.Samples", "order")),
        "a field the server does not have is skipped, required or not");

    RpcException blue = assertThrows(RpcException.class,
        () -> invoke(inventory, "paint", v2.call("shop.Samples", "color")));
    assertEquals(Code.CODEC, blue.code());
    assertTrue(blue.getMessage().contains("BLUE"), blue.getMessage());

    RpcException delivery = assertThrows(RpcException.class,
        () -> invoke(inventory, "deliver", v2.call("shop.Samples", "delivery")));
    assertEquals(Code.CODEC, delivery.code());
    assertTrue(delivery.getMessage().contains("was not sent") && delivery.getMessage().contains(
        "shop.Delivery.amount is long on the client but int on the server"),
        delivery.getMessage());
    RpcException describe = assertThrows(RpcException.class,
        () -> invoke(inventory, "describe"));
    assertEquals(Code.NOT_FOUND, describe.code());
    assertTrue(describe.getMessage().contains("was not sent"), describe.getMessage());
    assertEquals("Stock[count=7, price=1.5]", invoke(inventory, "stock").toString());
  }

  @Test
  void aDeclaredExceptionArrivesWithItsFieldsBetweenAnyTwoVersions() throws Throwable {
    Object inventory = connect(v2, v2);
    Exception same = assertThrows(Exception.class, () -> invoke(inventory, "reserve", "bolt"));
    assertEquals("shop.OutOfStock", same.getClass().getName());
    assertEquals("out of stock: bolt (3 available)", same.getMessage());
    assertEquals(3L, invoke(same, "available"));
    assertEquals(java.util.List.of("lyon", "gent"), invoke(same, "nearby"));
    assertEquals(1, same.getSuppressed().length, "only the note that it was thrown remotely");
    close();

    Object older = connect(v2, v1);
    Exception fromOld = assertThrows(Exception.class, () -> invoke(older, "reserve", "nut"));
    assertEquals("shop.OutOfStock", fromOld.getClass().getName());
    assertEquals("nut", invoke(fromOld, "sku"));
    assertEquals(0L, invoke(fromOld, "available"), "a field the old server lacks: its default");
    assertEquals(java.util.List.of(), invoke(fromOld, "nearby"));
    String notes = java.util.Arrays.toString(fromOld.getSuppressed());
    assertTrue(notes.contains("The server's message: out of stock: nut"), notes);
    assertTrue(notes.contains("Fields of shop.OutOfStock not rebuilt on the client: available:"
        + " the server did not send it (its version of the class lacks it, its codec could not"
        + " encode the value, or the fields did not fit its maximum frame size); nearby: the"
        + " server did not send it"), notes);
    close();

    Object newer = connect(v1, v2);
    Exception fromNew = assertThrows(Exception.class, () -> invoke(newer, "reserve", "nut"));
    assertEquals("nut", invoke(fromNew, "sku"), "fields the old client lacks are skipped");
    assertEquals("out of stock: nut", fromNew.getMessage());
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aRollingDeployFromVersion1To2UnderTrafficOfBothLosesNoCall() throws Exception {
    int[] ports = new int[3];
    RpcServer[] live = new RpcServer[3];
    for (int i = 0; i < 3; i++) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
        ports[i] = probe.getLocalPort();
      }
      live[i] = serve(v1, ports[i]);
    }
    String address = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:"
        + ports[2];
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong ok = new java.util.concurrent.atomic.AtomicLong();
    java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try (RpcClient old = RpcClient.builder().address(address).codec(codec)
            .timeout(Duration.ofSeconds(10)).build();
        RpcClient fresh = RpcClient.builder().address(address).codec(codec)
            .timeout(Duration.ofSeconds(10)).build()) {
      Object[] inventories = {old.proxy((Class) v1.type("shop.Inventory")),
          fresh.proxy((Class) v2.type("shop.Inventory"))};
      Object[] items = {v1.call("shop.Samples", "item"), v2.call("shop.Samples", "item")};
      Object[] prefs = {v1.call("shop.Samples", "prefs"), v2.call("shop.Samples", "prefs")};
      for (int t = 0; t < 8; t++) {
        int version = t % 2;
        pool.submit(() -> {
          Object inventory = inventories[version];
          while (!stop.get()) {
            try {
              invoke(inventory, "item");
              invoke(inventory, "inspect", items[version]);
              invoke(inventory, "prefs");
              invoke(inventory, "inspectPrefs", prefs[version]);
              ok.addAndGet(4);
            } catch (Throwable e) {
              failures.add(e);
            }
          }
        });
      }
      Thread.sleep(300);
      for (int i = 0; i < 3; i++) {
        live[i].close(); // GOAWAY, finish what runs, close
        Thread.sleep(100);
        live[i] = serve(v2, ports[i]);
        Thread.sleep(300);
      }
      stop.set(true);
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      for (RpcServer s : live) {
        s.close();
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + (ok.get() + failures.size())
        + " calls failed during the deploy; first: " + (failures.isEmpty() ? "" : failures.get(0)));
    assertTrue(ok.get() > 100, "traffic flowed: " + ok.get() + " calls");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private RpcServer serve(Compiled version, int port) {
    return RpcServer.builder().host("127.0.0.1").port(port).codecs(codec)
        .gracePeriod(Duration.ofSeconds(5))
        .register((Class) version.type("shop.Inventory"), version.create("shop.InventoryImpl"))
        .build().start();
  }

  @Test
  void genericSuperclassesFinalClassesAndEnumsWithBodiesMeetToo() throws Throwable {
    for (Compiled[] pair : new Compiled[][] {{v1, v2}, {v2, v1}}) {
      Object inventory = connect(pair[0], pair[1]);
      assertEquals(pair[0] == v1
          ? "ada[Item[name=nut, quantity=5, color=GREEN, size=UNKNOWN, legacy=null]]"
          : "ada[Item[name=bolt, quantity=3, color=GREEN, size=M, warehouse=null, tags=[],"
              + " note=Optional.empty, fragile=false, shelf=0]]",
          invoke(inventory, "box").toString(),
          "ItemBox extends Box<Item> (T renamed E), and Item changed");
      assertEquals("3,4", invoke(inventory, "spot").toString(), "Spot became final");
      assertEquals("[3,4, null, 3,4]", java.util.Arrays.toString((Object[]) invoke(inventory,
          "spots")), "and an array of them");
      Object sub = invoke(inventory, "op");
      assertEquals("SUB", ((Enum<?>) sub).name(), "an enum whose constants have bodies");
      assertEquals("SUB=4", invoke(inventory, "apply", sub));
      close();
    }
  }

  @Test
  void equalVersionsKeepTheCodecsOwnLayout() throws Throwable {
    Object inventory = connect(v2, v2);
    assertEquals("Item[name=nut, quantity=5, color=GREEN, size=XL, warehouse=north, tags=[m8],"
        + " note=Optional[fragile], fragile=true, shelf=12]", invoke(inventory, "item").toString());
    assertEquals("version 2", invoke(inventory, "describe"));
  }
}
