package io.minirpc.runtime;

import java.util.List;

/**
 * What a server serves, as the runtime sees it, given to a {@link ServerFeature} when the server
 * is built: its services, their methods as the handshake announces them, and which of them the
 * caller of the current call may see.
 */
public interface ServiceCatalog {
  /**
   * Every interface the server serves: the application's in the order they were registered,
   * then the built-in ones (health, and the feature's own service).
   */
  List<Class<?>> services();

  /**
   * The remote methods of {@code service}, one of {@link #services()}, in the order of their
   * keys.
   *
   * @throws IllegalArgumentException if {@code service} is not a valid service interface
   */
  List<MethodShape> methods(Class<?> service);

  /**
   * Whether the caller of the server call running on this thread may see {@code service}: with
   * an authenticator, those its credential may call, as in its handshake; without one, every
   * service. False outside a server call when there is an authenticator.
   */
  boolean callerMaySee(String service);
}
