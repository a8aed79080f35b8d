package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.RequestHeader;
import io.minirpc.internal.registry.Codecs;

/**
 * Finds what a request asks for, from its header alone, before any byte of its body reaches a
 * codec: the registered method and the codec it was encoded with.
 */
final class Router {
  /** Where a request goes: a method and the codec of its arguments. */
  record Route(ServerMethod method, Codecs.Entry codec) {}

  private final ServiceRegistry registry;
  private final Codecs codecs;

  Router(ServiceRegistry registry, Codecs codecs) {
    this.registry = registry;
    this.codecs = codecs;
  }

  /**
   * The route of a request.
   *
   * @throws RpcException NOT_FOUND for a service or method the server does not have, CODEC for a
   *     codec it does not speak; either way the connection lives on
   */
  Route route(RequestHeader header, byte codecId, byte flags) {
    ServerMethod method = registry.find(header.service(), header.method());
    if (method == null) {
      throw new RpcException(RpcException.Code.NOT_FOUND,
          registry.describeMissing(header.service(), header.method()));
    }
    Codecs.Entry codec = codecs.byId(codecId, Protocol.evolving(flags));
    if (codec == null && codecs.byId(codecId) != null) {
      throw new RpcException(RpcException.Code.CODEC,
          "the request is in the evolving layout of codec " + codecs.byId(codecId).name()
              + ", which this server's version of that codec does not read. Deploy the same"
              + " version of the classes on client and server, or a newer codec module here");
    }
    if (codec == null) {
      throw new RpcException(RpcException.Code.CODEC,
          "the server does not speak codec id " + (codecId & 0xFF) + " (it speaks: "
              + codecs.names() + "). Set minirpc.codec on the client to one of those");
    }
    return new Route(method, codec);
  }
}
