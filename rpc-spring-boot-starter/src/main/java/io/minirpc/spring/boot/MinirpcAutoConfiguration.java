package io.minirpc.spring.boot;

import io.minirpc.RpcClient;
import io.minirpc.RpcServer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * minirpc for a Spring Boot application. With any {@link RpcService} bean, a server ({@link
 * RpcServerLifecycle}) serves them; with {@code minirpc.address} set, an {@link RpcClient} bean
 * calls that server, and {@link RpcReference} fields get its proxies. Both are configured from
 * the {@code minirpc.*} keys of the environment (application.properties, YAML, system
 * properties, ...), the same keys as {@code configure(Properties)} reads, then by {@link
 * RpcServerCustomizer} and {@link RpcClientCustomizer} beans.
 */
@AutoConfiguration
public class MinirpcAutoConfiguration {
  /**
   * For Spring: the auto-configuration is found by its imports file. Checks first that the
   * application runs Netty 4.2, before a server or a client fails deep inside Netty for want of
   * it.
   *
   * @throws IllegalStateException naming the Netty found and what to add to the build, when it
   *     is older than 4.2
   */
  public MinirpcAutoConfiguration() {
    NettyVersion.requireCompatible();
  }

  /**
   * The server of the {@link RpcService} beans, run with the application context.
   *
   * @param beans the application's beans
   * @param environment where the {@code minirpc.*} keys are
   * @param customizers changes to the builder, in order
   * @return the server's lifecycle
   */
  @Bean
  @ConditionalOnBean(annotation = RpcService.class)
  @ConditionalOnMissingBean
  public RpcServerLifecycle rpcServerLifecycle(ListableBeanFactory beans,
      ConfigurableEnvironment environment, ObjectProvider<RpcServerCustomizer> customizers) {
    return new RpcServerLifecycle(beans, () -> {
      RpcServer.Builder b = RpcServer.builder().configure(MinirpcProperties.from(environment));
      customizers.orderedStream().forEach(c -> c.customize(b));
      return b;
    });
  }

  /**
   * The client of the server at {@code minirpc.address}; closed with the context.
   *
   * @param environment where the {@code minirpc.*} keys are
   * @param customizers changes to the builder, in order
   * @return the client
   */
  @Bean
  @ConditionalOnProperty(prefix = "minirpc", name = "address")
  @ConditionalOnMissingBean
  public RpcClient rpcClient(ConfigurableEnvironment environment,
      ObjectProvider<RpcClientCustomizer> customizers) {
    RpcClient.Builder b = RpcClient.builder().configure(MinirpcProperties.from(environment));
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * Injects {@link RpcReference} fields. Static: a bean post-processor is made before the
   * configuration it is declared in.
   *
   * @param client the client, looked up when the first field needs it
   * @return the post-processor
   */
  @Bean
  static RpcReferenceInjector rpcReferenceInjector(ObjectProvider<RpcClient> client) {
    return new RpcReferenceInjector(client);
  }

  /**
   * Resolves {@link RpcReference} constructor and method parameters. Static, as a bean factory
   * post-processor must be.
   *
   * @return the post-processor that installs the resolver
   */
  @Bean
  static BeanFactoryPostProcessor rpcReferenceParameters() {
    return RpcReferenceResolver.INSTALL;
  }
}
