package io.minirpc.internal.server;

import io.minirpc.compression.Compressor;
import io.minirpc.internal.protocol.Compression;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.CompressorRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * What one connection's client can inflate, and which compressor it asked its answers in; and
 * the rules by which its answers are compressed. Made from the client's HELLO, immutable.
 */
final class ServerCompression {
  /** A client that names no compressor: a HELLO from before compression, or one that wants none. */
  static final ServerCompression NONE = new ServerCompression(new boolean[256], null, 0);

  /** Per compressor id: whether the client named it. */
  private final boolean[] inflates;
  /** The compressor the client asked its answers in, which this server has; null for none. */
  private final Compressor asked;
  private final int minSize;

  private ServerCompression(boolean[] inflates, Compressor asked, int minSize) {
    this.inflates = inflates;
    this.asked = asked;
    this.minSize = minSize;
  }

  /**
   * From the client's HELLO.
   *
   * @param minSize answer bodies smaller than this go uncompressed
   */
  static ServerCompression of(Hello client, CompressorRegistry compressors, int minSize) {
    if (client.compressors().isEmpty()) {
      return NONE;
    }
    boolean[] inflates = new boolean[256];
    for (Hello.CodecInfo c : client.compressors()) {
      inflates[c.id() & 0xFF] = true;
    }
    Compressor asked = inflates[client.answerCompressor() & 0xFF]
        ? compressors.byId(client.answerCompressor()) : null;
    return new ServerCompression(inflates, asked, minSize);
  }

  /**
   * {@code answer}, a whole RESPONSE frame, compressed if {@code method} or the client asks for
   * it and the client has the compressor: a method's {@code @Compress} decides, else the client's
   * {@code minirpc.compression}.
   *
   * @throws IOException if the compressor fails; {@code answer} is still the caller's
   */
  ByteBuf answer(ByteBuf answer, ServerMethod method, ByteBufAllocator alloc) throws IOException {
    if (this == NONE || answer.readableBytes() < minSize) {
      return answer;
    }
    Compressor c = method.compressionChosen() ? method.compressor() : asked;
    if (c == null || !inflates[c.id()]) {
      return answer;
    }
    return Compression.compress(answer, c, minSize, alloc);
  }

  /**
   * The bytes {@code frame}'s body declares it inflates to, checked against {@code maxFrameSize};
   * 0 if it is not compressed.
   *
   * @throws IOException if it declares more, or cannot declare anything
   */
  static int declaredSize(Frame frame, int maxFrameSize) throws IOException {
    if (!Compression.isCompressed(frame)) {
      return 0;
    }
    return Compression.declaredSize(frame, maxFrameSize, "server");
  }
}
