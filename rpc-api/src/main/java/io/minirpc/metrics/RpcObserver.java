package io.minirpc.metrics;

import io.minirpc.RpcException;

/**
 * Told what one client or one server does, for metrics: each method's calls, its connections and
 * bytes, and (on a server) the requests refused before they run, which no interceptor sees. Every
 * method does nothing by default, so an observer implements what it counts. Give one to {@code
 * RpcServer.Builder.observer} or {@code RpcClient.Builder.observer}; the builder does not own it.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .observer(new RpcObserver() {
 *       public void refused(String service, String method, RpcException.Code code,
 *           Refusal reason) {
 *         refusals.increment();
 *       }
 *     })
 *     ...
 * }</pre>
 *
 * <p>Its methods are called from I/O threads and worker threads at once: they must be quick and
 * thread-safe, and must never block. An exception one throws is logged and otherwise ignored.
 * One observer serves one side: give a client and a server of the same process one each.
 */
public interface RpcObserver {
  /**
   * The observer of one method's calls, asked once per method, before its first call; {@code
   * null} (the default) leaves the method unobserved. Calls are measured by an interceptor that
   * the builder puts first (outermost) in the chain: on a client from the proxy call until its
   * result, waiting for a connection included; on a server from when a worker starts the call, its
   * arguments decoded, until the implementation's result (or its future's).
   *
   * @param service the interface's binary name, {@code com.example.Calculator}
   * @param method the method's wire name, {@code add(int,int)}: the name and the parameter types,
   *     so that overloads are told apart
   */
  default CallObserver forMethod(String service, String method) {
    return null;
  }

  /** A connection opened: on a client once connected, on a server once accepted within limits. */
  default void connectionOpened() {}

  /** A connection that {@link #connectionOpened} reported closed. */
  default void connectionClosed() {}

  /** {@code bytes} arrived from the network, TLS records included. I/O thread. */
  default void bytesRead(long bytes) {}

  /** {@code bytes} were handed to the network to send, TLS records included. I/O thread. */
  default void bytesWritten(long bytes) {}

  /**
   * A server refused a request before any of it ran, answering {@code code} (or, for {@link
   * Refusal#CONNECTION_LIMIT}, closed a new connection). Never called on a client, whose refusals
   * reach its interceptors as the calls' failures.
   *
   * @param service the interface's binary name, or {@code null} when the request named no
   *     registered method (the names a client sent are not passed on: they could be anything,
   *     and would make any number of tag values)
   * @param method the method's wire name, {@code add(int,int)}, or {@code null} as {@code
   *     service}
   * @param code what the client was answered; {@link RpcException.Code#RESOURCE_EXHAUSTED} for a
   *     closed connection
   * @param reason which limit or check refused it
   */
  default void refused(String service, String method, RpcException.Code code, Refusal reason) {}

  /**
   * The server this observer was given to has started; from now on {@code server}'s gauges can be
   * read: {@link ServerGauges#connectionCount()}, {@link ServerGauges#callsInFlight()}, {@link
   * ServerGauges#queuedCalls()} and {@link ServerGauges#memoryInUse()}. {@code server} is the
   * {@code io.minirpc.RpcServer} itself. Called once, on the thread that starts it.
   */
  default void serverStarted(ServerGauges server) {}
}
