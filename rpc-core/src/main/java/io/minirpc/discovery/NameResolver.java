package io.minirpc.discovery;

import java.util.List;

/**
 * Keeps a client's list of servers up to date. The client starts it once, asks it to {@link
 * #refresh()} when connections to the servers it gave fail, and closes it when the client closes.
 *
 * <p>A resolver that loses its source (a registry unreachable, a name that no longer resolves)
 * reports an {@linkplain Listener#onError error} and keeps the last list: the client keeps
 * calling the servers it knows.
 */
public interface NameResolver extends AutoCloseable {
  /**
   * Starts resolving; the listener hears every new list, from any thread, one at a time. Must not
   * block for long: a resolver that needs the network does it on its own thread.
   */
  void start(Listener listener);

  /**
   * A hint that the list may be stale (a server could not be reached): resolve again soon. Never
   * blocks. Resolvers that are told of every change (watches) may ignore it.
   */
  default void refresh() {}

  /** Stops resolving and frees the resolver's threads and connections. Never throws. */
  @Override
  void close();

  /** Hears what a {@link NameResolver} finds. */
  interface Listener {
    /**
     * The servers now, in full (not a change): the client connects to new ones as it needs them
     * and stops using, and closes its connections to, the ones that are gone. An empty list is a
     * valid answer (no server is up).
     */
    void onServers(List<ServerInstance> servers);

    /**
     * The servers cannot be resolved now. The client keeps the last list, and says why in the
     * message of calls that find no server.
     *
     * @param reason what failed and what to check, for a person reading a log
     */
    void onError(String reason);
  }
}
