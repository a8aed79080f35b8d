package io.minirpc;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The types a module of service interfaces needs are in rpc-api alone, so it needs no Netty. */
class RpcApiTest {

  @Test
  void interfaceTypesComeFromRpcApiNotFromRpcCore() {
    URL core = location(RpcClient.class);
    for (Class<?> type : List.of(Timeout.class, RateLimit.class, WaitForReady.class,
        RpcException.class, RpcException.Code.class)) {
      // A second copy in rpc-core would compile, then shadow rpc-api's on every class path.
      assertNotEquals(core, location(type), type.getName() + " is compiled into rpc-core too;"
          + " it belongs to rpc-api alone (rpc-api/src/main/java/io/minirpc)");
    }
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}
