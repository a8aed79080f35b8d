package io.minirpc.spring.boot;

import io.minirpc.RpcServer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ClassUtils;

/**
 * The minirpc server of a Spring application: built from the {@code minirpc.*} properties and
 * every {@link RpcService} bean, started once the context is refreshed (every singleton ready),
 * and closed gracefully when the context closes, in the phase that Spring Boot's web server
 * uses, before any bean is destroyed: it stops taking calls, lets the calls in flight finish
 * within {@code minirpc.server.gracePeriod}, and returns once its threads have ended.
 */
public final class RpcServerLifecycle implements SmartLifecycle {
  /** Where the server is in its life; Actuator's health follows it. */
  public enum State {
    /** Not started yet. */
    NEW,
    /** Started: taking calls. */
    SERVING,
    /** Closing: finishing the calls in flight, refusing new ones. */
    DRAINING,
    /** Closed. */
    STOPPED
  }

  private final ListableBeanFactory beans;
  private final Supplier<RpcServer.Builder> builders;
  private volatile State state = State.NEW;
  private volatile RpcServer server;

  /**
   * @param beans where the {@link RpcService} beans are
   * @param builders makes a builder configured from the properties and the customizers
   */
  RpcServerLifecycle(ListableBeanFactory beans, Supplier<RpcServer.Builder> builders) {
    this.beans = beans;
    this.builders = builders;
  }

  /**
   * Builds the server with every {@link RpcService} bean and starts it.
   *
   * @throws io.minirpc.RpcException if it cannot bind, saying why
   * @throws IllegalArgumentException if a bean does not implement an interface it names
   */
  @Override
  public synchronized void start() {
    if (state == State.SERVING) {
      return;
    }
    RpcServer.Builder b = builders.get();
    for (Map.Entry<String, Object> e : beans.getBeansWithAnnotation(RpcService.class).entrySet()) {
      RpcService annotation = beans.findAnnotationOnBean(e.getKey(), RpcService.class);
      for (Class<?> service : services(e.getKey(), e.getValue(), annotation)) {
        register(b, service, e.getValue());
      }
    }
    server = b.build().start();
    state = State.SERVING;
  }

  @SuppressWarnings("unchecked") // checked: the bean is an instance of the interface
  private static <T> void register(RpcServer.Builder b, Class<T> service, Object bean) {
    b.register(service, (T) bean);
  }

  /** The interfaces {@code bean} is served under. */
  static List<Class<?>> services(String name, Object bean, RpcService annotation) {
    Class<?> type = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
    Set<Class<?>> services = new LinkedHashSet<>();
    if (annotation != null && annotation.value().length > 0) {
      for (Class<?> c : annotation.value()) {
        if (!c.isInterface() || !c.isInstance(bean)) {
          throw new IllegalArgumentException("@RpcService on bean '" + name + "' ("
              + type.getName() + ") names " + c.getName() + ", which "
              + (c.isInterface() ? "the bean does not implement" : "is not an interface"));
        }
        services.add(c);
      }
    } else {
      for (Class<?> c : ClassUtils.getAllInterfacesForClassAsSet(type)) {
        String n = c.getName();
        if (!n.startsWith("java.") && !n.startsWith("org.springframework.") && c.isInstance(bean)) {
          services.add(c);
        }
      }
      if (services.isEmpty()) {
        throw new IllegalArgumentException("@RpcService on bean '" + name + "' ("
            + type.getName() + "): it implements no interface to serve. minirpc serves"
            + " interfaces: implement one, or name it in @RpcService(Calculator.class)");
      }
    }
    return new ArrayList<>(services);
  }

  /** Closes the server gracefully: the calls in flight finish first. */
  @Override
  public void stop() {
    RpcServer s;
    synchronized (this) {
      s = server;
      if (state != State.SERVING || s == null) {
        return;
      }
      state = State.DRAINING;
    }
    try {
      s.close();
    } finally {
      state = State.STOPPED;
    }
  }

  /** Whether the server takes calls. */
  @Override
  public boolean isRunning() {
    return state == State.SERVING;
  }

  /** The phase of Spring Boot's web server: it starts late and stops early. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 2048;
  }

  /**
   * Where the server is in its life.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * The server, for its port or its connection count.
   *
   * @return the server last started
   * @throws IllegalStateException before the context has started it
   */
  public RpcServer server() {
    return Objects.requireNonNull(server,
        "The minirpc server is not started yet: it starts when the application context is"
            + " refreshed");
  }
}
