package io.minirpc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcException.Code;
import io.minirpc.auth.BearerTokenAuthenticator;
import io.minirpc.health.Health;
import io.minirpc.internal.client.ClientRuntime;
import io.minirpc.internal.config.Settings;
import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ServiceDescription;
import io.minirpc.listing.ServiceListing;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The listing service, and calls by name with JSON trees, as {@code minirpc call} makes them. */
class ListingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void listingIsOffByDefault(String codec) {
    try (Fixture f = Fixture.start(codec)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.client.proxy(ServiceListing.class).services());
      assertEquals(Code.NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("the server has no service "
          + ServiceListing.class.getName()), e.getMessage());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void listsEveryServiceAndDescribesEachMethodWithJsonSchemas(String codec) throws Exception {
    try (Fixture f = Fixture.start(codec, s -> s.listing(true), c -> c)) {
      ServiceListing listing = f.client.proxy(ServiceListing.class);
      assertEquals(List.of(Health.class.getName(), Calculator.class.getName(),
          TypesService.class.getName(), ServiceListing.class.getName()), listing.services());
      ServiceDescription calc = listing.describe(Calculator.class.getName());
      MethodDescription add = calc.methods().stream()
          .filter(m -> m.key().equals("add(int,int)")).findFirst().orElseThrow();
      assertEquals("int add(int,int)", add.signature());
      assertEquals(2, add.parameters().size());
      assertEquals("int", add.parameters().get(0).type());
      assertEquals("integer", JSON.readTree(add.parameters().get(0).schema()).get("type").asText());
      assertEquals("int", add.resultType());
      MethodDescription factorial = calc.methods().stream()
          .filter(m -> m.key().equals("factorial(int)")).findFirst().orElseThrow();
      assertTrue(factorial.async());
      assertEquals("java.lang.Long", factorial.resultType());

      MethodDescription echoUser = listing.describe(TypesService.class.getName()).methods()
          .stream().filter(m -> m.key().equals("echoUser(io.minirpc.it.TypesService$User)"))
          .findFirst().orElseThrow();
      JsonNode schema = JSON.readTree(echoUser.parameters().get(0).schema());
      JsonNode user = schema.get("$defs").get("io.minirpc.it.TypesService$User");
      assertEquals(List.of("id"), JSON.convertValue(user.get("required"), List.class));
      assertEquals("#/$defs/io.minirpc.it.TypesService$Address",
          user.get("properties").get("address").get("anyOf").get(0).get("$ref").asText());

      RpcException e = assertThrows(RpcException.class, () -> listing.describe("com.example.No"));
      assertEquals(Code.NOT_FOUND, e.code());
      assertTrue(e.getMessage().endsWith("failed: the server has no service 'com.example.No'"
          + " (it serves: io.minirpc.health.Health, io.minirpc.it.Calculator,"
          + " io.minirpc.it.TypesService, io.minirpc.listing.ServiceListing)"), e.getMessage());
    }
  }

  @Test
  void aCallByNameSendsAndReadsJsonTreesCheckedByTheListedDigest() throws Exception {
    try (Fixture f = Fixture.start("json", s -> s.listing(true), c -> c)) {
      ServiceListing listing = f.client.proxy(ServiceListing.class);
      ClientRuntime runtime = runtime(f.server.port());
      try {
        MethodDescription add = method(listing, Calculator.class, "add(int,int)");
        Object three = runtime.callByName(Calculator.class.getName(), add.key(), JsonNode.class,
            add.digest(), new Object[] {JSON.readTree("1"), JSON.readTree("2")})
            .get(5, TimeUnit.SECONDS);
        assertEquals(JSON.readTree("3"), three);

        MethodDescription echoUser =
            method(listing, TypesService.class, "echoUser(io.minirpc.it.TypesService$User)");
        JsonNode user = JSON.readTree("{\"id\":7,\"name\":\"ada\",\"tags\":[\"x\"],"
            + "\"address\":{\"street\":\"1 Main\",\"city\":\"Oslo\",\"zip\":null},"
            + "\"born\":\"1815-12-10\"}");
        assertEquals(user, runtime.callByName(TypesService.class.getName(), echoUser.key(),
            JsonNode.class, echoUser.digest(), new Object[] {user}).get(5, TimeUnit.SECONDS));

        // A digest the server does not list is refused before sending, saying what differs.
        ExecutionException e = assertThrows(ExecutionException.class,
            () -> runtime.callByName(Calculator.class.getName(), add.key(), JsonNode.class,
                add.digest() + 1, new Object[] {JSON.readTree("1"), JSON.readTree("2")})
                .get(5, TimeUnit.SECONDS));
        assertEquals(Code.CODEC, ((RpcException) e.getCause()).code(), e.getMessage());
        // The server decodes the tree by the declared type: a string for an int is CODEC.
        e = assertThrows(ExecutionException.class,
            () -> runtime.callByName(Calculator.class.getName(), add.key(), JsonNode.class,
                add.digest(), new Object[] {JSON.readTree("\"one\""), JSON.readTree("2")})
                .get(5, TimeUnit.SECONDS));
        assertEquals(Code.CODEC, ((RpcException) e.getCause()).code(), e.getMessage());
      } finally {
        runtime.close();
      }
    }
  }

  @Test
  void callsByNameAreObservedUnderTheirOwnServiceAndMethod() throws Exception {
    try (Fixture f = Fixture.start("json", s -> s.listing(true), c -> c)) {
      ServiceListing listing = f.client.proxy(ServiceListing.class);
      MethodDescription add = method(listing, Calculator.class, "add(int,int)");
      MethodDescription echoUser =
          method(listing, TypesService.class, "echoUser(io.minirpc.it.TypesService$User)");
      List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<String> ended = new java.util.concurrent.CopyOnWriteArrayList<>();
      io.minirpc.metrics.RpcObserver observer = new io.minirpc.metrics.RpcObserver() {
        @Override
        public io.minirpc.metrics.CallObserver forMethod(String service, String method) {
          asked.add(service + "#" + method);
          return new io.minirpc.metrics.CallObserver() {
            @Override
            public void started() {}

            @Override
            public void ended(long nanos, Code code, Throwable error) {
              ended.add(service + "#" + method);
            }
          };
        }
      };
      try (RpcClient c = RpcClient.builder().address("127.0.0.1", f.server.port()).codec("json")
          .observer(observer).build()) {
        c.callByName(Calculator.class.getName(), add.key(), JsonNode.class, add.digest(),
            JSON.readTree("1"), JSON.readTree("2")).get(5, TimeUnit.SECONDS);
        JsonNode user = JSON.readTree("{\"id\":7,\"name\":\"ada\",\"tags\":[\"x\"],"
            + "\"address\":{\"street\":\"1 Main\",\"city\":\"Oslo\",\"zip\":null},"
            + "\"born\":\"1815-12-10\"}");
        c.callByName(TypesService.class.getName(), echoUser.key(), JsonNode.class,
            echoUser.digest(), user).get(5, TimeUnit.SECONDS);
        c.callByName(Calculator.class.getName(), add.key(), JsonNode.class, add.digest(),
            JSON.readTree("3"), JSON.readTree("4")).get(5, TimeUnit.SECONDS);
      }
      String addName = Calculator.class.getName() + "#add(int,int)";
      String echoName = TypesService.class.getName() + "#" + echoUser.key();
      assertEquals(List.of(addName, echoName), asked);
      assertEquals(List.of(addName, echoName, addName), ended);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "kryo"})
  void withAnAuthenticatorListingNeedsACredential(String codec) {
    BearerTokenAuthenticator auth = BearerTokenAuthenticator.builder().token("t0ken").build();
    try (Fixture f = Fixture.start(codec, s -> s.listing(true).authenticator(auth), c -> c)) {
      RpcException e = assertThrows(RpcException.class,
          () -> f.client.proxy(ServiceListing.class).services());
      assertEquals(Code.UNAUTHENTICATED, e.code(), e.getMessage());
      try (RpcClient c = RpcClient.builder().address("127.0.0.1", f.server.port()).codec(codec)
          .metadata("authorization", "Bearer t0ken").build()) {
        assertTrue(c.proxy(ServiceListing.class).services()
            .contains(Calculator.class.getName()));
      }
    }
  }

  private static MethodDescription method(ServiceListing listing, Class<?> service, String key) {
    return listing.describe(service.getName()).methods().stream()
        .filter(m -> m.key().equals(key)).findFirst().orElseThrow();
  }

  private static ClientRuntime runtime(int port) {
    Properties p = new Properties();
    p.setProperty("minirpc.address", "127.0.0.1:" + port);
    p.setProperty("minirpc.codec", "json");
    Settings settings = new Settings();
    settings.apply(p);
    return new ClientRuntime(settings.client(), Set.of(), List.of(), null);
  }
}
