package io.minirpc.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.minirpc.RpcServer;
import org.junit.jupiter.api.Test;

/** The core alone, without the optional modules: what needs one says which. */
class OptionalFeaturesTest {
  /** A service to register. */
  public interface Echo {
    String echo(String text);
  }

  @Test
  void aServerThatListsItsServicesNeedsTheListingModuleAndSaysSo() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> RpcServer.builder().port(0).listing(true).register(Echo.class, text -> text)
            .build());
    assertEquals("minirpc.server.listing=true, but the module that serves it is not on the"
        + " classpath: add the dependency io.minirpc:rpc-listing, or set"
        + " minirpc.server.listing=false", e.getMessage());
  }
}
