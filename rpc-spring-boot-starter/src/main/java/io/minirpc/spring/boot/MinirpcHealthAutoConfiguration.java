package io.minirpc.spring.boot;

import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The minirpc server's health in Actuator, when the application has Actuator. */
@AutoConfiguration(after = MinirpcAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RpcServerLifecycle.class)
public class MinirpcHealthAutoConfiguration {
  /** For Spring: the auto-configuration is found by its imports file. */
  public MinirpcHealthAutoConfiguration() {}

  /**
   * The indicator, named {@code minirpc} in {@code /actuator/health}.
   *
   * @param lifecycle the server
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "minirpcHealthIndicator")
  public RpcServerHealthIndicator minirpcHealthIndicator(RpcServerLifecycle lifecycle) {
    return new RpcServerHealthIndicator(lifecycle);
  }
}
