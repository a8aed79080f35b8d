package io.minirpc.discovery;

/**
 * Publishes one server in a registry so that clients find it. A server with {@code
 * minirpc.server.registry} set registers once it listens, and deregisters first thing when it
 * closes: before it tells its clients to go away, so that no client picks it again while it
 * drains.
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
