package io.minirpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public package is in rpc-api alone, and the runtime in rpc-core is found through {@link
 * java.util.ServiceLoader}: a module of service interfaces needs no Netty, and no package is split
 * between the two jars (which the module path refuses).
 */
class RpcApiTest {

  @Test
  void thePublicPackageComesFromRpcApiAlone() {
    URL api = location(RpcException.class);
    for (Class<?> type : List.of(Timeout.class, RateLimit.class, WaitForReady.class,
        RpcException.Code.class, RpcClient.class, RpcServer.class, RpcContext.class,
        CallDeadline.class, CallMetadata.class, ClientInterceptor.class, ServerInterceptor.class,
        Authenticator.class)) {
      // A second copy in rpc-core would compile, then shadow rpc-api's on every class path.
      assertEquals(api, location(type), type.getName() + " must be compiled into rpc-api alone"
          + " (rpc-api/src/main/java/io/minirpc)");
    }
  }

  @Test
  void theBuildersComeFromTheRuntime() {
    RpcClient.Builder client = RpcClient.builder();
    RpcServer.Builder server = RpcServer.builder();
    URL api = location(RpcClient.class);
    assertNotEquals(api, location(client.getClass()));
    assertNotEquals(api, location(server.getClass()));
    // Each call is a new builder: settings given to one never leak into the next.
    assertNotSame(client, RpcClient.builder());
    assertNotSame(server, RpcServer.builder());
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
