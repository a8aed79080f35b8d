package io.minirpc.discovery;

/**
 * Publishes one server in a registry so that clients find it. A server with {@code
 * minirpc.server.registry} set registers once it listens, and deregisters first thing when it
 * closes: before it tells its clients to go away, so that no client picks it again while it
 * drains.
 *
 * <p>The server makes its registrar when it is built (so it must not connect anywhere yet), and
 * calls it from one thread at a time, in this order: {@link #register} once, from {@code
 * start()}, after the port is bound; {@link #deregister()} first thing in {@code close()},
 * followed by {@code minirpc.server.deregisterDelay} of serving as usual; {@link #close()} last,
 * once the server has stopped (or at once, if {@code register} failed or the server never
 * started).
 */
public interface ServerRegistrar extends AutoCloseable {
  /**
   * Publishes {@code self}, and keeps it published until {@link #deregister()}: a registrar whose
   * registration is lost (a ZooKeeper session that expired) publishes it again when it can.
   * Returns once the first publication is done or has failed.
   *
   * @throws Exception if it could not be published, saying why; the server does not start
   */
  void register(ServerInstance self) throws Exception;

  /**
   * Removes the publication, and stops keeping it. Returns within a few seconds even when the
   * registry cannot be reached (the publication then ends with the registry's own timeout).
   */
  void deregister();

  /** Frees the registrar's threads and connections; deregisters first if needed. Never throws. */
  @Override
  void close();
}
