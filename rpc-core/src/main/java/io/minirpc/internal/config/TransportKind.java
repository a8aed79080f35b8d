package io.minirpc.internal.config;

/** The values of {@code minirpc.transport}. */
public enum TransportKind {
  /** Netty's native epoll transport where it is available (Linux), Java NIO elsewhere. */
  AUTO,
  /** Netty's native epoll transport; refused at {@code build()} where it is unavailable. */
  EPOLL,
  /** Java NIO, available everywhere. */
  NIO
}
