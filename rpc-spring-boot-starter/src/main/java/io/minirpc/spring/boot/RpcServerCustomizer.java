package io.minirpc.spring.boot;

import io.minirpc.RpcServer;

/**
 * Changes the server's builder after the {@code minirpc.*} properties and before the {@link
 * RpcService} beans are registered: interceptors, an authenticator, anything the properties
 * cannot say. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface RpcServerCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the server's builder, already configured from the properties
   */
  void customize(RpcServer.Builder builder);
}
