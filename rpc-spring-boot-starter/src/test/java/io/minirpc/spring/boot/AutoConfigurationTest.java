package io.minirpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minirpc.RpcClient;
import io.minirpc.RpcException;
import io.minirpc.RpcServer;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ContextAnnotationAutowireCandidateResolver;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The auto-configuration in small contexts, each server in-process on minirpc's local transport
 * ({@code minirpc.transport=local}): what is made under which conditions, and what fails how.
 */
class AutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MinirpcAutoConfiguration.class,
          MinirpcHealthAutoConfiguration.class, MinirpcMetricsAutoConfiguration.class));

  /** A server named {@code name} in this JVM, and a client of it. */
  private static String[] local(String name) {
    return new String[] {"minirpc.transport=local", "minirpc.host=" + name,
        "minirpc.address=local:" + name};
  }

  public interface Echo {
    String echo(String s);
  }

  public interface Other {
    int one();
  }

  @RpcService
  static class EchoImpl implements Echo, Other {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public int one() {
      return 1;
    }
  }

  static class Caller {
    @RpcReference Echo echo;
    @RpcReference Other other;
  }

  @Configuration(proxyBeanMethods = false)
  static class ServesAndCalls {
    @Bean
    EchoImpl echoImpl() {
      return new EchoImpl();
    }

    @Bean
    Caller caller() {
      return new Caller();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WithMeterRegistry {
    @Bean
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meterRegistry() {
      return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }
  }

  @Test
  void withAMeterRegistryTheServerAndTheClientsAreMetered() {
    runner.withUserConfiguration(ServesAndCalls.class, WithMeterRegistry.class)
        .withPropertyValues(local("auto-metrics"))
        .run(context -> {
          Caller caller = context.getBean(Caller.class);
          assertEquals("hi", caller.echo.echo("hi"));
          io.micrometer.core.instrument.MeterRegistry registry =
              context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
          assertEquals(1, registry.get("minirpc.server.calls").tag("method", "echo(java.lang.String)")
              .timer().count());
          assertEquals(1, registry.get("minirpc.client.calls").tag("method", "echo(java.lang.String)")
              .timer().count());
        });
  }

  @Test
  void withoutAMeterRegistryNothingIsMetered() {
    runner.withUserConfiguration(ServesAndCalls.class).withPropertyValues(local("auto-nometrics"))
        .run(context -> assertFalse(context.containsBean("minirpcServerMetrics")));
  }

  @Test
  void servesRpcServiceBeansUnderEveryInterfaceAndInjectsProxies() {
    runner.withUserConfiguration(ServesAndCalls.class).withPropertyValues(local("auto-a"))
        .run(context -> {
          Caller caller = context.getBean(Caller.class);
          assertEquals("hi", caller.echo.echo("hi"));
          assertEquals(1, caller.other.one());
          assertEquals(0, context.getBean(RpcServerLifecycle.class).server().port());
          assertTrue(context.containsBean("minirpcHealthIndicator"));
        });
  }

  /** Not annotated: only its bean method says what to serve. */
  static class PlainEcho implements Echo, Other {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public int one() {
      return 1;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ServesOnlyEcho {
    @Bean
    @RpcService(Echo.class)
    PlainEcho plainEcho() {
      return new PlainEcho();
    }

    @Bean
    Caller caller() {
      return new Caller();
    }
  }

  @Test
  void rpcServiceOnABeanMethodServesTheInterfacesItNames() {
    runner.withUserConfiguration(ServesOnlyEcho.class).withPropertyValues(local("auto-b"))
        .run(context -> {
          Caller caller = context.getBean(Caller.class);
          assertEquals("hi", caller.echo.echo("hi"));
          RpcException e = assertThrows(RpcException.class, () -> caller.other.one());
          assertEquals(RpcException.Code.NOT_FOUND, e.code());
        });
  }

  @Test
  void withoutServicesThereIsNoServerAndWithoutAnAddressNoClient() {
    runner.run(context -> {
      assertFalse(context.containsBean("rpcServerLifecycle"));
      assertFalse(context.containsBean("rpcClient"));
      assertFalse(context.containsBean("minirpcHealthIndicator"));
    });
  }

  @Test
  void aReferenceWithoutAnAddressFailsSayingWhatToSet() {
    runner.withBean(Caller.class).run(context -> {
      Throwable failure = context.getStartupFailure();
      assertInstanceOf(BeanCreationException.class, failure);
      assertTrue(failure.getMessage().endsWith("@RpcReference on " + Caller.class.getName()
          + ".echo needs a minirpc client, and there is none: set minirpc.address (host:port of"
          + " the server) in the application's properties"), failure.getMessage());
    });
  }

  static class ConstructorCaller {
    final Echo echo;

    ConstructorCaller(@RpcReference Echo echo) {
      this.echo = echo;
    }
  }

  @Test
  void aReferenceParameterWithoutAnAddressFailsSayingWhatToSet() {
    runner.withBean(ConstructorCaller.class).run(context -> {
      StringBuilder messages = new StringBuilder();
      for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
        messages.append(t.getMessage()).append('\n');
      }
      assertTrue(messages.toString().contains("@RpcReference on parameter 1"
          + " of the constructor of " + ConstructorCaller.class.getName() + " needs a minirpc"
          + " client, and there is none: set minirpc.address (host:port of the server) in the"
          + " application's properties"), messages.toString());
    });
  }

  /** An application's own autowiring, set before the starter's. */
  static class CustomResolver extends ContextAnnotationAutowireCandidateResolver {}

  /** Sets {@link CustomResolver} before any other post-processor runs. */
  static class SetsCustomResolver implements BeanFactoryPostProcessor, PriorityOrdered {
    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
      ((DefaultListableBeanFactory) beanFactory).setAutowireCandidateResolver(
          new CustomResolver());
    }

    @Override
    public int getOrder() {
      return 0;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ServesWithACustomResolver {
    @Bean
    static SetsCustomResolver setsCustomResolver() {
      return new SetsCustomResolver();
    }

    @Bean
    EchoImpl echoImpl() {
      return new EchoImpl();
    }

    @Bean
    ConstructorCaller constructorCaller(@RpcReference Echo echo) {
      return new ConstructorCaller(echo);
    }
  }

  @Test
  void aReferenceParameterGetsTheProxyAroundTheApplicationsOwnResolverToo() {
    runner.withUserConfiguration(ServesWithACustomResolver.class)
        .withPropertyValues(local("auto-r")).run(context -> {
          ConstructorCaller caller = context.getBean(ConstructorCaller.class);
          assertEquals("hi", caller.echo.echo("hi"));
          assertFalse(caller.echo instanceof EchoImpl, "the remote proxy, not the local bean");
          assertInstanceOf(RpcReferenceResolver.Around.class,
              ((DefaultListableBeanFactory) context.getBeanFactory())
                  .getAutowireCandidateResolver());
        });
  }

  static class NoInterface {}

  @Test
  void aServiceWithoutAnInterfaceFailsAtStart() {
    runner.withBean(NoInterface.class, NoInterface::new)
        .withBean(EchoImpl.class)
        .withUserConfiguration(MarkNoInterface.class)
        .withPropertyValues(local("auto-c"))
        .run(context -> {
          Throwable failure = context.getStartupFailure();
          Throwable root = failure;
          while (root.getCause() != null) {
            root = root.getCause();
          }
          assertEquals("@RpcService on bean 'noInterface' (" + NoInterface.class.getName()
              + "): it implements no interface to serve. minirpc serves interfaces: implement"
              + " one, or name it in @RpcService(Calculator.class)", root.getMessage());
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class MarkNoInterface {
    @Bean
    @RpcService
    NoInterface noInterface() {
      return new NoInterface();
    }
  }

  @Test
  void anUnknownKeyFailsStartNamingTheNearestOne() {
    runner.withUserConfiguration(ServesAndCalls.class)
        .withPropertyValues(local("auto-d"))
        .withPropertyValues("minirpc.server.thread=8")
        .run(context -> {
          Throwable root = context.getStartupFailure();
          while (root.getCause() != null) {
            root = root.getCause();
          }
          assertTrue(root.getMessage().startsWith("Unknown setting minirpc.server.thread=8: did"
              + " you mean minirpc.server.threads?"), root.getMessage());
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class Customized {
    static final AtomicInteger calls = new AtomicInteger();

    @Bean
    RpcServerCustomizer countCalls() {
      return b -> b.intercept((call, next) -> {
        calls.incrementAndGet();
        return next.proceed();
      });
    }

    @Bean
    RpcClientCustomizer jsonClient() {
      return b -> b.codec("json");
    }
  }

  @Test
  void customizersChangeTheBuilders() {
    runner.withUserConfiguration(ServesAndCalls.class, Customized.class)
        .withPropertyValues(local("auto-e"))
        .run(context -> {
          Caller caller = context.getBean(Caller.class);
          assertEquals("x", caller.echo.echo("x"));
          assertEquals(1, Customized.calls.get());
          assertTrue(caller.echo.toString().endsWith("(json)"), caller.echo.toString());
          RpcClient client = context.getBean(RpcClient.class);
          assertEquals(caller.echo, client.proxy(Echo.class));
          RpcServer server = context.getBean(RpcServerLifecycle.class).server();
          assertEquals(1, server.connectionCount());
        });
  }

  @Test
  void yamlListsBecomeCommaSeparatedValuesAndHigherSourcesWin() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("low", java.util.Map.of(
        "minirpc.codec.allow[0]", "com.example.A",
        "minirpc.codec.allow[1]", "com.example.B",
        "minirpc.port", "1",
        "other.key", "ignored")));
    env.getPropertySources().addFirst(new MapPropertySource("high", java.util.Map.of(
        "minirpc.port", "${base}2",
        "base", "424")));
    Properties p = MinirpcProperties.from(env);
    assertEquals("com.example.A,com.example.B", p.getProperty("minirpc.codec.allow"));
    assertEquals("4242", p.getProperty("minirpc.port"));
    assertEquals(List.of("minirpc.codec.allow", "minirpc.port"),
        p.stringPropertyNames().stream().sorted().toList());
  }
}
