package io.minirpc.spring.boot;

import io.minirpc.RpcClient;

/**
 * Changes the client's builder after the {@code minirpc.*} properties: interceptors, metadata,
 * anything the properties cannot say. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface RpcClientCustomizer {
  /**
   * Customizes the builder.
   *
   * @param builder the client's builder, already configured from the properties
   */
  void customize(RpcClient.Builder builder);
}
