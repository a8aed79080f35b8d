package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.compression.Compressor;
import io.minirpc.internal.protocol.Compression;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.CompressorRegistry;
import io.minirpc.internal.transport.LogSafe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's compression: which compressor its requests use, compressing them as they are
 * encoded (on the caller's thread), and inflating compressed answers within the client's limits.
 *
 * <p>A request is encoded before the connection it goes on is chosen, so it is compressed with
 * the client's choice unless a server lacking that compressor was met in the last {@link
 * #LACKING_NANOS}. A compressed request that reaches such a server anyway (the first calls of a
 * client, or a fleet of mixed versions) is uncompressed again before it is written: rare, and
 * never lost.
 */
final class ClientCompression {
  private static final Logger log = LoggerFactory.getLogger(ClientCompression.class);
  private static final LogSafe.Limiter LACKING = LogSafe.Limiter.perSecond();
  /** How long requests go uncompressed after a server lacking the compressor was met. */
  static final long LACKING_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final CompressorRegistry compressors;
  private final Compressor chosen;
  private final int minSize;
  private final int maxFrameSize;
  /** Per compressor id: when a server without it was last met, or 0. */
  private final AtomicLongArray lackedAt = new AtomicLongArray(256);

  /**
   * @param chosen the client's {@code minirpc.compression}, or null for none
   * @param minSize bodies smaller than this go uncompressed
   * @param maxFrameSize the most an answer may declare it inflates to
   */
  ClientCompression(CompressorRegistry compressors, Compressor chosen, int minSize,
      int maxFrameSize) {
    this.compressors = compressors;
    this.chosen = chosen;
    this.minSize = minSize;
    this.maxFrameSize = maxFrameSize;
  }

  CompressorRegistry compressors() {
    return compressors;
  }

  /** The client's own choice, or null for none. */
  Compressor chosen() {
    return chosen;
  }

  /** {@code hello} naming every compressor this client has and the one it wants answers in. */
  Hello announce(Hello hello) {
    return hello.withCompression(Hello.infos(compressors.all()), chosen == null ? 0 : chosen.id());
  }

  /** {@code request}, a whole REQUEST frame, compressed with {@code c} if that pays now. */
  ByteBuf compress(ByteBuf request, Compressor c, ClientMethod method, ByteBufAllocator alloc) {
    if (c == null || request.readableBytes() < minSize) {
      return request;
    }
    long lacked = lackedAt.get(c.id());
    if (lacked != 0 && System.nanoTime() - lacked < LACKING_NANOS) {
      return request;
    }
    try {
      return Compression.compress(request, c, minSize, alloc);
    } catch (IOException | RuntimeException e) {
      request.release();
      throw new RpcException(RpcException.Code.CODEC, method.callPrefix() + "was not sent: the"
          + " compressor " + c.name() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * {@code request} as {@code server} can read it: uncompressed again if its compressor is one the
   * server did not name. Runs on the connection's event loop, which this rarely costs anything.
   *
   * @throws IOException if it cannot be uncompressed; {@code request} was released
   */
  ByteBuf forServer(ByteBuf request, Hello server, String address, ByteBufAllocator alloc)
      throws IOException {
    if (!Compression.isCompressed(request)) {
      return request;
    }
    int id = Compression.compressorId(request);
    if (server.inflates(id)) {
      return request;
    }
    lackedAt.set(id, System.nanoTime() | 1);
    logLacking(compressors.byId(id), server, address);
    try {
      return Compression.uncompress(request, compressors, alloc);
    } catch (IOException | RuntimeException e) {
      request.release();
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * A server connected: if it lacks the client's compressor, say so now, once, rather than
   * letting its answers come back uncompressed without a word.
   */
  void serverReady(Hello server, String address) {
    if (chosen != null && !server.inflates(chosen.id())) {
      lackedAt.set(chosen.id(), System.nanoTime() | 1);
      logLacking(chosen, server, address);
    }
  }

  private static void logLacking(Compressor c, Hello server, String address) {
    List<String> names = new ArrayList<>();
    for (Hello.CodecInfo info : server.compressors()) {
      names.add(LogSafe.escape(info.name(), 40));
    }
    LACKING.warn(log, "The server at " + address + " does not have compressor " + c.name()
        + " (it has " + (names.isEmpty() ? "none: it predates compression" : String.join(", ",
            names)) + "): requests to it and its answers go uncompressed. Install the compressor"
        + " on every server, or choose one they all have (minirpc.compression)");
  }

  /**
   * The size {@code frame} takes once inflated: its own, or, compressed, what its body declares
   * plus its header; checked against the client's maximum frame size.
   *
   * @throws IOException if it declares more than the client's maximum frame size
   */
  int decodedSize(Frame frame) throws IOException {
    if (!Compression.isCompressed(frame)) {
      return frame.size();
    }
    int declared = Compression.declaredSize(frame, maxFrameSize, "client");
    return frame.size() - frame.body().readableBytes() + declared;
  }

  /** Inflates {@code frame}'s body, if compressed; the caller has charged its declared size. */
  void inflate(Frame frame, ByteBufAllocator alloc) throws IOException {
    if (Compression.isCompressed(frame)) {
      Compression.inflate(frame, compressors, alloc);
    }
  }
}
