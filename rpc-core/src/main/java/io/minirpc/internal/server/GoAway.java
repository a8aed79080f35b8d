package io.minirpc.internal.server;

import io.minirpc.internal.protocol.FrameType;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** The GOAWAY frame: the reason, in words, why the server closes or will close a connection. */
final class GoAway {
  private GoAway() {}

  /** A GOAWAY frame saying {@code reason}, cut to 1024 characters. */
  static ByteBuf frame(ByteBufAllocator alloc, String reason) {
    ByteBuf buf = alloc.ioBuffer(64 + Math.min(reason.length(), 1024) * 3);
    int start = Frames.begin(buf, FrameType.GOAWAY, Protocol.NO_CODEC, 0);
    Frames.writeString(buf, Frames.truncate(reason, 1024));
    Frames.endHeader(buf, start);
    Frames.finish(buf, start);
    return buf;
  }
}
