package io.minirpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import io.minirpc.bench.model.UserService;
import io.minirpc.bench.model.UserServiceAsync;
import io.minirpc.bench.model.Users;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark's workload travels intact through minirpc with each codec. */
class WorkloadRoundTripTest {
  @ParameterizedTest
  @ValueSource(strings = {"json", "kryo"})
  void everyMethodRoundTrips(String codec) throws Exception {
    Users users = new Users();
    try (RpcServer server = RpcServer.builder().host("127.0.0.1").port(0)
            .register(UserService.class, users)
            .register(UserServiceAsync.class, users.async()).build().start();
        RpcClient client = RpcClient.builder().address("127.0.0.1", server.port())
            .codec(codec).build()) {
      UserService sync = client.proxy(UserService.class);
      assertEquals(Users.user(7), sync.getUser(7));
      assertEquals(Users.page(3), sync.listUser(3));
      assertTrue(sync.existUser("a@b.c"));
      assertTrue(sync.createUser(Users.user(1)));
      UserServiceAsync async = client.proxy(UserServiceAsync.class);
      assertEquals(Users.user(8), async.getUser(8).get(5, TimeUnit.SECONDS));
      assertEquals(15, async.listUser(1).get(5, TimeUnit.SECONDS).result().size());
    }
  }
}
