package io.minirpc.internal.server;

import io.minirpc.codec.DecodeBudget;
import io.minirpc.codec.ValueReader;
import io.minirpc.runtime.CurrentCall;
import io.minirpc.internal.protocol.Compression;
import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.CompressorRegistry;
import io.minirpc.internal.registry.MethodDescriptor;
import io.minirpc.internal.transport.ThreadAllocation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Decodes one request's arguments under budgets the caller cannot raise: decoding stops when the
 * call is cancelled or past its deadline, when it takes longer than the request's size allows, or
 * when it allocates more memory than the call holds and the budgets have no more. One per call,
 * on the call's worker; it is the budget the codecs check.
 */
final class ArgumentDecoder implements DecodeBudget {
  /**
   * Requests smaller than this are not measured while they decode: the codecs check the budget
   * every thousand elements or tokens, which takes at least a kilobyte.
   */
  private static final int MEASURED_FROM = 1024;
  /** Decoding may take this long a byte of the request, whatever the caller's deadline. */
  private static final long DECODING_NANOS_PER_BYTE = 1_000;
  /** ... and at least this long. */
  private static final long DECODING_NANOS_MIN = 1_000_000_000L;
  /** Decoding that outgrows its memory takes at least this much more at a time. */
  private static final long DECODING_GROWTH = 256 * 1024;

  private final CurrentCall.Context call;
  private final Frame frame;
  private final CallMemory memory;
  private final ConnectionMemory connection;
  /** The request's bytes: as it came, or inflated. */
  private long bytes;
  /** Whether decoding is timed and measured: only for requests of {@link #MEASURED_FROM} bytes. */
  private boolean watched;
  private long since;
  /** What the thread had allocated when decoding began; 0 when allocation is not measured. */
  private long allocatedBefore;
  /** Why decoding stopped for memory, if it did: the caller's RESOURCE_EXHAUSTED message. */
  private String memoryRefusal;

  ArgumentDecoder(CurrentCall.Context call, Frame frame, CallMemory memory,
      ConnectionMemory connection) {
    this.call = call;
    this.frame = frame;
    this.memory = memory;
    this.connection = connection;
    this.bytes = frame.size();
    this.watched = bytes >= MEASURED_FROM;
  }

  /**
   * Inflates a compressed body, once the bytes it declares have been checked against {@code
   * maxFrameSize} and taken from the call's memory: a request that would inflate past what the
   * budgets have room for is refused before a byte is inflated.
   */
  void inflate(int maxFrameSize, ByteBufAllocator alloc) throws IOException {
    if (!Compression.isCompressed(frame)) {
      return;
    }
    int declared = ServerCompression.declaredSize(frame, maxFrameSize);
    int grown = memory.grow(declared);
    if (grown == CallMemory.ENDED) {
      throw new IOException("the call ended");
    }
    if (grown == CallMemory.NO_ROOM) {
      memoryRefusal = "the server refused the call: its " + frame.size() + "-byte request"
          + " inflates to " + declared + " bytes, for which its memory has no room now"
          + " (minirpc.server.maxConnectionMemory=" + connection.limit()
          + ", minirpc.server.maxMemory=" + connection.serverLimit() + "). Try again later,"
          + " send less per call, or raise those limits";
      throw new IOException(memoryRefusal);
    }
    Compression.inflate(frame, CompressorRegistry.installed(), alloc);
    bytes = frame.size() + declared;
    watched = bytes >= MEASURED_FROM;
  }

  /** Why decoding stopped for want of memory; null if it did not. */
  String memoryRefusal() {
    return memoryRefusal;
  }

  /** Decodes every argument of the frame's body, which must hold nothing more. */
  Object[] decode(ServerMethod method, Codecs.Entry codec) throws IOException {
    if (Compression.isCompressed(frame)) {
      throw new IllegalStateException("inflate the body first");
    }
    if (watched) {
      since = System.nanoTime();
      allocatedBefore = memory.arguments() > 0 && ThreadAllocation.supported()
          ? ThreadAllocation.current() : 0;
    }
    MethodDescriptor d = method.descriptor();
    ValueReader[] readers = method.readers(codec);
    Object[] args = new Object[readers.length];
    ByteBuf body = frame.body();
    Class<?>[] classes = d.parameterClasses();
    for (int i = 0; i < readers.length; i++) {
      try {
        args[i] = Slots.read(body, readers[i], this);
      } catch (IOException | RuntimeException e) {
        throw new IOException("argument " + (i + 1) + " (" + d.parameterType(i).getTypeName()
            + "): " + e.getMessage(), e);
      }
      if (args[i] == null && classes[i].isPrimitive()) {
        throw new IOException("argument " + (i + 1) + " (" + classes[i].getName()
            + ") is null, which a primitive cannot be");
      }
    }
    if (body.isReadable()) {
      throw new IOException(body.readableBytes() + " bytes follow the last argument");
    }
    return args;
  }

  /**
   * The decoding budget: a call cancelled, aborted or past its deadline stops decoding, and so
   * does one whose decoding has allocated more than the memory it holds, when no more can be
   * had. The codecs call this every thousand elements or tokens, so only requests of a kilobyte
   * or more ever get here.
   */
  @Override
  public void check() throws IOException {
    if (call.isCancelled()) {
      throw new IOException("the call was cancelled or its deadline passed");
    }
    if (watched) {
      checkTime();
      if (allocatedBefore != 0) {
        checkMemory();
      }
    }
  }

  /**
   * Decoding may take {@link #DECODING_NANOS_PER_BYTE} a byte of the request, and at least
   * {@link #DECODING_NANOS_MIN}, whatever deadline the caller gave (a caller may give none): a
   * hundred times what the codecs need, so only a payload built to be slow to decode (keys whose
   * hashes collide in a map or a set, making each insertion a walk of all the others) or a
   * server thrashing for memory gets here.
   */
  private void checkTime() throws IOException {
    long took = System.nanoTime() - since;
 long allowed = Math.max(DECODING_NANOS_MIN, bytes * DECODING_NANOS_PER_BYTE);
    if (took > allowed) {
      throw new IOException("decoding took more than the " + allowed / 1_000_000 + " ms the"
          + " server gives " + bytes + " bytes (" + DECODING_NANOS_PER_BYTE + " ns a byte,"
          + " at least " + DECODING_NANOS_MIN / 1_000_000 + " ms): the values are built to be"
          + " slow to decode, such as map keys or set elements whose hashes collide");
    }
  }

  /**
   * Decoding may allocate what the call holds for it (the budget's estimate, {@link
   * MemoryBudget#REQUEST_FACTOR} times the request's size), and more as long as the connection's
   * and the server's budgets have room for it; past that it stops, so that a request whose values
   * expand far beyond its bytes (a million one-character strings) cannot run the server out of
   * memory. Allocation counts garbage too, so this errs on the safe side.
   */
  private void checkMemory() throws IOException {
    long allocated = ThreadAllocation.current() - allocatedBefore;
    long over = allocated - memory.arguments();
    if (over <= 0) {
      return;
    }
    int grown = memory.grow(Math.max(over, DECODING_GROWTH));
    if (grown == CallMemory.TAKEN) {
      return;
    }
    if (grown == CallMemory.ENDED) {
      throw new IOException("the call ended"); // aborted meanwhile: nothing more to take
    }
    memoryRefusal = "the server refused the call: decoding its arguments took " + allocated
        + " bytes of memory, more than the " + bytes + "-byte request may hold"
        + " (minirpc.server.maxConnectionMemory=" + connection.limit()
        + ", minirpc.server.maxMemory=" + connection.serverLimit() + "). Its values expand far"
        + " beyond their bytes: send less per call, or raise those limits";
    throw new IOException(memoryRefusal);
  }
}
