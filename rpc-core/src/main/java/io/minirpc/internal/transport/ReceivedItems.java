package io.minirpc.internal.transport;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueReader;

/** How items are read, and the errors of this side. */
public interface ReceivedItems {
  /**
   * The reader of an item flagged {@code evolving}, or not.
   *
   * @throws java.io.IOException if there is none for that layout
   */
  ValueReader reader(boolean evolving) throws java.io.IOException;

  /**
   * The item of {@code frame}, an ITEM, which this leaves to its caller to release.
   *
   * @throws java.io.IOException if it cannot be read, is null, or bytes follow it
   */
  default Object read(io.minirpc.internal.protocol.Frame frame) throws java.io.IOException {
    Object item = io.minirpc.internal.protocol.Slots.read(frame.body(),
        reader(io.minirpc.internal.protocol.Protocol.evolving(frame.flags())));
    if (item == null || frame.body().isReadable()) {
      throw new java.io.IOException(item == null ? "the sender sent a null item"
          : frame.body().readableBytes() + " bytes follow the item");
    }
    return item;
  }

  /** The error the stream ends with when an item cannot be read ({@code e} says why). */
  RpcException undecodable(Throwable e);

  /** The error the stream ends with when its side closes and delivers no more. */
  RpcException closed();
}
