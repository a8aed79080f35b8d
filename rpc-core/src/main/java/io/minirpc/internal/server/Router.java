package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.RequestHeader;
import io.minirpc.internal.registry.Codecs;

/**
 * Finds what a request asks for, from its header alone, before any byte of its body reaches a
 * codec: the registered method and the codec it was encoded with. Two lookups, not one object
 * holding both: a request makes no garbage to be routed.
 */
final class Router {
  private final ServiceRegistry registry;
  private final Codecs codecs;

  Router(ServiceRegistry registry, Codecs codecs) {
    this.registry = registry;
    this.codecs = codecs;
  }

  /**
   * The method a request calls.
   *
   * @throws RpcException NOT_FOUND for a service or method the server does not have; the
   *     connection lives on
   */
  ServerMethod method(RequestHeader header) {
    ServerMethod method = registry.find(header.service(), header.method());
    if (method == null) {
      throw new RpcException(RpcException.Code.NOT_FOUND,
          registry.describeMissing(header.service(), header.method()));
    }
    return method;
  }

  /**
   * The codec of a request's arguments, from its frame's codec id and flags.
   *
   * @throws RpcException CODEC for a codec the server does not speak; the connection lives on
   */
  Codecs.Entry codec(byte codecId, byte flags) {
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
    return codec;
  }
}
