package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueReader;
import io.minirpc.internal.transport.ReceivedItems;
import java.io.IOException;

/** How a client reads the items of a server stream, and the errors that end one. */
final class ClientItems implements ReceivedItems {
  private final ClientMethod method;

  ClientItems(ClientMethod method) {
    this.method = method;
  }

  @Override
  public ValueReader reader(boolean evolving) throws IOException {
    return method.itemReader(evolving);
  }

  @Override
  public RpcException undecodable(Throwable e) {
    return new RpcException(RpcException.Code.CODEC, method.callPrefix() + "failed: could not"
        + " decode an item (" + method.descriptor().itemType().getTypeName() + ") with the"
        + " client's codec: " + e.getMessage() + ". Check that client and server use the same"
        + " version of the interface", e);
  }

  @Override
  public RpcException closed() {
    return new RpcException(RpcException.Code.CANCELLED, method.callPrefix()
        + "was cancelled: the client was closed");
  }
}
