package io.minirpc.internal.config;

/** The values of {@code minirpc.transport}. */
public enum TransportKind {
  /** Netty's native epoll transport where it is available (Linux), Java NIO elsewhere. */
  AUTO,
  /** Netty's native epoll transport; refused at {@code build()} where it is unavailable. */
  EPOLL,
  /** Java NIO, available everywhere. */
  NIO,
  /**
   * Netty's local transport: a client and a server in one JVM, connected by a name instead of a
   * socket (the server binds {@code minirpc.host}, the client calls {@code local:NAME}); the same
   * pipelines and codecs, no TLS.
   */
  LOCAL
}
