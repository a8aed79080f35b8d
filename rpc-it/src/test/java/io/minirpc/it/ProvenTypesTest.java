package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A codec proves at register() and proxy() that it can carry every type a service's methods
 * name: a type it cannot read is refused there, with the fix, not on the first call. This
 * module's classes are compiled without -parameters, as many applications' are.
 */
class ProvenTypesTest {
  /** State set through the constructor only: final fields, no constructor without arguments. */
  public static final class Item {
    private final String name;
    private final int quantity;

    public Item(String name, int quantity) {
      this.name = name;
      this.quantity = quantity;
    }
  }

  /** A service that carries {@link Item} both ways. */
  public interface Inventory {
    Item restock(Item item, int more);

    List<String> names();
  }

  private static final Inventory IMPL = new Inventory() {
    @Override
    public Item restock(Item item, int more) {
      return new Item(item.name, item.quantity + more);
    }

    @Override
    public List<String> names() {
      return List.of("pen");
    }
  };

  @Test
  void kryoCarriesAClassWithFinalFieldsAndNoConstructorWithoutArguments() {
    try (RpcServer server = RpcServer.builder().port(0).codecs("kryo")
            .register(Inventory.class, IMPL).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1:" + server.port())
            .codec("kryo").build()) {
      Item back = client.proxy(Inventory.class).restock(new Item("pen", 3), 2);
      assertEquals("pen", back.name);
      assertEquals(5, back.quantity);
    }
  }

  @Test
  void jsonRefusesItWhenTheServiceIsRegisteredAndSaysWhatToChange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().port(0).codecs("json").register(Inventory.class, IMPL).build());
    assertTrue(e.getMessage().contains("Codec 'json' cannot handle"), e.getMessage());
    assertTrue(e.getMessage().contains("the json codec cannot build " + Item.class.getName()
        + ": it has no constructor without arguments"), e.getMessage());
    assertTrue(e.getMessage().contains("Compile it with -parameters"), e.getMessage());
  }

  @Test
  void jsonRefusesItWhenTheProxyIsMade() {
    try (RpcClient client = RpcClient.builder().address("127.0.0.1:1").codec("json").build()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> client.proxy(Inventory.class));
      assertTrue(e.getMessage().contains("the json codec cannot build " + Item.class.getName()),
          e.getMessage());
    }
  }
}
