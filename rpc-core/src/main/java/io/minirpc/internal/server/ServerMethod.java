package io.minirpc.internal.server;

import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.CompressorRegistry;
import io.minirpc.internal.registry.ExceptionFields;
import io.minirpc.internal.registry.MethodDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One remote method as the server runs it: the implementation's invoker and, for every codec the
 * server speaks, the argument readers and the result writer. Built once at {@code build()}; a call
 * only indexes into these arrays.
 */
final class ServerMethod {
  /**
   * What a method is expected to answer before it has answered once: enough that a connection's
   * first calls of it, all started at once, hold at most their share of memory (21 at the
   * default share of -Xmx128m) until its first answer says its real size.
   */
  static final long UNKNOWN_ANSWER = 1 << 20;
  private final MethodDescriptor descriptor;
  private final MethodHandle invoker;
  private final ValueReader[][] readers;
  private final ValueWriter[] writers;
  /** Per codec: the writer of a server stream's items; null entries if the method streams not. */
  private final ValueWriter[] itemWriters;
  /** Per codec, the reader of the client's stream's items; null if the client streams not. */
  private final ValueReader[] inputReaders;
  /** Per codec: the fields of its declared exceptions, in the layout they travel in. */
  private final ExceptionFields[] exceptions;
  private final RateLimiter methodLimit;
  private final RateLimiter serviceLimit;
  /**
   * The size its answers are expected to have, for {@link ConnectionCalls} to start no more calls
   * of a connection than its share of memory can answer: {@link #UNKNOWN_ANSWER} until the first
   * answer, then that answer's size, then up at once to a larger answer and down by an eighth of
   * the gap to a smaller one. Racy on purpose: an estimate.
   */
  private volatile long answerEstimate = UNKNOWN_ANSWER;
  /** What {@link #runEstimate} is before a call ran: not quick. */
  static final long UNKNOWN_RUN = Long.MAX_VALUE;
  /**
   * How long its implementation takes to return, in nanoseconds, for {@link ConnectionWorkers} to
   * run quick calls one after another on a worker that runs already: a moving average, {@link
   * #UNKNOWN_RUN} until a call ran. Racy on purpose, like {@link #answerEstimate}.
   */
  private volatile long runEstimate = UNKNOWN_RUN;
  /** Whether its {@code @Compress} chooses its answers' compressor, {@link #compressor}. */
  private final boolean compressionChosen;
  /** What its {@code @Compress} chose; null for none, or when it has none. */
  private final io.minirpc.compression.Compressor compressor;
  private volatile boolean answerKnown;

  ServerMethod(MethodDescriptor descriptor, Object implementation, Codecs codecs,
      RateLimiter methodLimit, RateLimiter serviceLimit) {
    this.descriptor = descriptor;
    this.methodLimit = methodLimit;
    this.serviceLimit = serviceLimit;
    this.invoker = invoker(descriptor.method(), implementation);
    this.compressionChosen = CompressorRegistry.annotation(descriptor) != null;
    this.compressor = CompressorRegistry.installed().forMethod(descriptor, null);
    List<Codecs.Entry> entries = codecs.withLayouts();
    this.readers = new ValueReader[codecs.slots()][];
    this.writers = new ValueWriter[codecs.slots()];
    this.itemWriters = new ValueWriter[codecs.slots()];
    this.inputReaders = new ValueReader[codecs.slots()];
    this.exceptions = new ExceptionFields[codecs.slots()];
    for (Codecs.Entry codec : entries) {
      exceptions[codec.index()] = ExceptionFields.of(descriptor, exceptionLayout(codec));
      ValueReader[] r = new ValueReader[descriptor.parameterCount()];
      for (int i = 0; i < r.length; i++) {
        r[i] = i == descriptor.inputIndex() ? Slots.EMPTY_STREAM_SLOT
            : codec.reader(descriptor.parameterType(i), descriptor, "parameter " + (i + 1));
      }
      readers[codec.index()] = r;
      writers[codec.index()] = descriptor.answersNothing() ? null
          : codec.writer(descriptor.resultType(), descriptor, "the result");
      if (descriptor.streams()) {
        itemWriters[codec.index()] =
            codec.writer(descriptor.itemType(), descriptor, "the stream's items");
      }
      if (descriptor.inputStreams()) {
        inputReaders[codec.index()] = codec.reader(descriptor.inputItemType(), descriptor,
            "the client's stream's items");
      }
    }
  }

  /** Whether its {@code @Compress} decides how its answers are compressed. */
  boolean compressionChosen() {
    return compressionChosen;
  }

  /** The compressor its {@code @Compress} names; null for none, or when it has none. */
  io.minirpc.compression.Compressor compressor() {
    return compressor;
  }

  /** The size its next answer is expected to have, in bytes. */
  long answerEstimate() {
    return answerEstimate;
  }

  /** How long its implementation takes, in nanoseconds; {@link #UNKNOWN_RUN} before it ran. */
  long runEstimate() {
    return runEstimate;
  }

  /** Its implementation took {@code nanos} to return a call's result. */
  void ran(long nanos) {
    // An eighth of the way to each new time; written only when that moves it more than a
    // thirty-second, so that workers that call it often do not bounce its cache line.
    long e = runEstimate;
    long next = e == UNKNOWN_RUN ? nanos : e + (nanos - e) / 8;
    if (Math.abs(next - e) > (e >> 5) + 100 || e == UNKNOWN_RUN) {
      runEstimate = next;
    }
  }

  /** An answer of {@code bytes} was encoded. */
  void answered(int bytes) {
    // Written only when it changes: a method called from every worker would otherwise bounce
    // its cache line between them on every answer.
    long e = answerEstimate;
    long next = !answerKnown || bytes >= e ? bytes : e - (e - bytes) / 8;
    if (next != e) {
      answerEstimate = next;
    }
    if (!answerKnown) {
      answerKnown = true;
    }
  }

  private static MethodHandle invoker(Method method, Object implementation) {
    MethodHandle handle;
    try {
      handle = MethodHandles.publicLookup().unreflect(method);
    } catch (IllegalAccessException e) {
      // A non-public interface (common in tests and small programs): open it, then unreflect.
      try {
        method.setAccessible(true);
        handle = MethodHandles.lookup().unreflect(method);
      } catch (RuntimeException | IllegalAccessException e2) {
        throw new IllegalArgumentException(
            "Cannot call "
                + method
                + ": the interface is not accessible to minirpc. Make it public, or open its"
                + " package to minirpc",
            e2);
      }
    }
    return handle
        .bindTo(implementation)
        .asSpreader(Object[].class, method.getParameterCount())
        .asType(MethodType.methodType(Object.class, Object[].class));
  }

  MethodDescriptor descriptor() {
    return descriptor;
  }

  ValueReader[] readers(Codecs.Entry codec) {
    return readers[codec.index()];
  }

  /**
   * The layout a declared exception's fields travel in: the codec's evolving one when it has one,
   * so that a client with another version of the exception class reads what it can.
   */
  static Codecs.Entry exceptionLayout(Codecs.Entry codec) {
    return codec.evolving() != null ? codec.evolving() : codec;
  }

  /** The fields of the declared exceptions, with the writers of {@code codec}'s layout for them. */
  ExceptionFields exceptionFields(Codecs.Entry codec) {
    return exceptions[codec.index()];
  }

  /** The result writer for {@code codec}, or {@code null} for a method without a result. */
  ValueWriter writer(Codecs.Entry codec) {
    return writers[codec.index()];
  }

  /** The writer of the stream's items in {@code codec}; null if the method streams not. */
  ValueWriter itemWriter(Codecs.Entry codec) {
    return itemWriters[codec.index()];
  }

  /** The reader of the client's stream's items in {@code codec}'s layout. */
  ValueReader inputReader(Codecs.Entry codec) {
    return inputReaders[codec.index()];
  }

  /** Takes a permit of each limit on this method; {@code null} if admitted, else the refuser. */
  RateLimiter admit() {
    if (methodLimit != null && !methodLimit.tryAcquire()) {
      return methodLimit;
    }
    if (serviceLimit != null && !serviceLimit.tryAcquire()) {
      if (methodLimit != null) {
        methodLimit.refund();
      }
      return serviceLimit;
    }
    return null;
  }

  /** Calls the implementation. Whatever it throws, this throws. */
  Object invoke(Object[] args) throws Throwable {
    return invoker.invokeExact(args);
  }
}
