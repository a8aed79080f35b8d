package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Protocol;
import io.minirpc.internal.protocol.RequestWriter;
import io.minirpc.internal.registry.Codecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Makes a call's REQUEST frame: header and arguments in the client's codec, compressed as the
 * method and the client ask, or the exception that says why it cannot be sent. Once per attempt,
 * on the caller's thread (or the timer's, for a retry or a hedge).
 */
final class RequestEncoder implements PendingCall.Encoder {
  private final ByteBufAllocator alloc;
  private final Codecs.Entry codec;
  private final ClientCompression compression;
  private final IntSupplier maxFrameSize;

  /** @param maxFrameSize the largest frame the client and its servers accept, now */
  RequestEncoder(ByteBufAllocator alloc, Codecs.Entry codec, ClientCompression compression,
      IntSupplier maxFrameSize) {
    this.alloc = alloc;
    this.codec = codec;
    this.compression = compression;
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public ByteBuf encode(ClientMethod method, Object[] args, long timeoutNanos,
      Map<String, String> metadata, boolean evolving) {
    int max = maxFrameSize.getAsInt();
    try {
      long sent = timeoutNanos >= ClientMethod.NO_DEADLINE / 2 ? 0 : timeoutNanos; // 0: none
      ByteBuf frame = RequestWriter.write(alloc, codec.id(), method.serviceAndMethod(), sent,
          metadata, args, method.writers(evolving), max);
      if (evolving) {
        Frames.addFlag(frame, Protocol.FLAG_EVOLVING);
      }
      return compression.compress(frame, method.compressor(), method, alloc);
    } catch (IllegalArgumentException e) {
      throw new RpcException(RpcException.Code.INTERNAL, method.callPrefix() + "was not sent:"
          + " its metadata cannot be encoded (" + e.getMessage() + "). Keep metadata keys and"
          + " values under 65,535 UTF-8 bytes", e);
    } catch (RequestWriter.ArgumentException e) {
      if (e.frameTooLarge()) {
        throw method.requestTooLarge(max, args, e.getCause());
      }
      int i = e.index();
      throw new RpcException(RpcException.Code.CODEC, method.callPrefix() + "failed: could not"
          + " encode argument " + (i + 1) + " (" + method.descriptor().parameterType(i)
              .getTypeName() + ") with codec " + codec.name() + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
