package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.codec.ValueReader;
import io.minirpc.codec.ValueWriter;
import io.minirpc.internal.protocol.ValueSize;
import io.minirpc.internal.protocol.Frames;
import io.minirpc.internal.protocol.Slots;
import io.minirpc.internal.registry.Codecs;
import io.minirpc.internal.registry.ExceptionFields;
import io.minirpc.internal.registry.Fingerprints;
import io.minirpc.internal.registry.MethodDescriptor;
import java.util.concurrent.TimeUnit;

/**
 * One remote method as a client calls it: the argument writers and result reader of the client's
 * codec, the service and method name already encoded for the request header, and the timeout.
 * Built once per proxy; a call only reads these fields.
 */
final class ClientMethod {
  private final MethodDescriptor descriptor;
  private final ValueWriter[] writers;
  private final ValueReader reader;
  /** The same in the codec's evolving layout; null if the codec has none. */
  private final ValueWriter[] evolvingWriters;
  private final ValueReader evolvingReader;
  /** A server stream's item readers, in the codec's own layout and its evolving one; or null. */
  private final ValueReader itemReader;
  private final ValueReader evolvingItemReader;
  /** The writers of the client's stream's items, in the codec's layout and its evolving one. */
  private final ValueWriter inputWriter;
  private final ValueWriter evolvingInputWriter;
  /** The fields of its declared exceptions, with the readers of each layout. */
  private final ExceptionFields exceptions;
  private final ExceptionFields evolvingExceptions;
  private final byte[] serviceAndMethod;
  private final long timeoutNanos;
  private final boolean waitForReady;
  private final String callPrefix;
  private final String codecName;
  private final byte codecId;
  private final String signature;
  private final java.util.SortedMap<String, String> shapes;
  private final long digest;
  private final boolean idempotent;
  private final long hedgeAfterNanos;
  /** The method's recent latencies, for hedging at a percentile of them; null otherwise. */
  private final LatencyTracker latencies;
  /** The parameter marked {@code @HashKey}, or -1. */
  private final int hashKeyIndex;
  /** What its requests are compressed with; null for none. */
  private io.minirpc.compression.Compressor compressor;

  /** The timeout of a call without a deadline, a stream's: about 73 years, sent as none. */
  static final long NO_DEADLINE = Long.MAX_VALUE / 4;

  /**
   * The error of a request larger than {@code maxFrameSize}, the smallest maximum frame size of
   * this client and the servers it knows: refused before sending, whichever side found it. It
   * names the largest of {@code args} and what the codec made of it.
   */
  RpcException requestTooLarge(int maxFrameSize, Object[] args, Throwable cause) {
    return new RpcException(RpcException.Code.RESOURCE_EXHAUSTED, callPrefix + "was refused"
        + " before sending: the request is larger than the maximum frame size of " + maxFrameSize
        + " bytes (minirpc.maxFrameSize of client and server)."
        + ValueSize.ofArguments(args, codecName) + " Send less data per call, or raise"
        + " minirpc.maxFrameSize on both client and server", cause);
  }

  ClientMethod(MethodDescriptor descriptor, Codecs.Entry codec, long timeoutNanos,
      boolean waitForReady, String address) {
    this(descriptor, codec, timeoutNanos, waitForReady, address, null);
  }

  /**
   * @param digest the fingerprint to compare with the server's HELLO instead of the one worked
   *     out from the descriptor, for a method known by name only (the listing service names it);
   *     null to work it out
   */
  ClientMethod(MethodDescriptor descriptor, Codecs.Entry codec, long timeoutNanos,
      boolean waitForReady, String address, Long digest) {
    this.descriptor = descriptor;
    this.codecName = codec.name();
    this.codecId = codec.id();
    this.writers = writers(descriptor, codec);
    this.reader = reader(descriptor, codec);
    Codecs.Entry evolving = codec.evolving();
    this.evolvingWriters = evolving == null ? null : writers(descriptor, evolving);
    this.evolvingReader = evolving == null ? null : reader(descriptor, evolving);
    this.itemReader = !descriptor.streams() ? null
        : codec.reader(descriptor.itemType(), descriptor, "the stream's items");
    this.evolvingItemReader = !descriptor.streams() || evolving == null ? null
        : evolving.reader(descriptor.itemType(), descriptor, "the stream's items");
    this.inputWriter = !descriptor.inputStreams() ? null
        : codec.writer(descriptor.inputItemType(), descriptor, "the client's stream's items");
    this.evolvingInputWriter = !descriptor.inputStreams() || evolving == null ? null
        : evolving.writer(descriptor.inputItemType(), descriptor, "the client's stream's items");
    this.exceptions = ExceptionFields.of(descriptor, codec);
    this.evolvingExceptions = evolving == null ? null : ExceptionFields.of(descriptor, evolving);
    byte[] service = Frames.encodeString(descriptor.serviceName());
    byte[] method = Frames.encodeString(descriptor.key());
    this.serviceAndMethod = new byte[service.length + method.length];
    System.arraycopy(service, 0, serviceAndMethod, 0, service.length);
    System.arraycopy(method, 0, serviceAndMethod, service.length, method.length);
    io.minirpc.Timeout annotation = descriptor.method().getAnnotation(io.minirpc.Timeout.class);
    if (annotation != null && annotation.millis() <= 0) {
      throw new IllegalArgumentException(
          descriptor.displayName() + " has @Timeout(millis = " + annotation.millis()
              + "); a timeout must be positive");
    }
    // A stream has no deadline unless its method's @Timeout (or the caller's scope) sets one: it
    // may rightly last for hours, and a lost server still ends it (heartbeats, idle timeout).
    this.timeoutNanos = annotation != null ? TimeUnit.MILLISECONDS.toNanos(annotation.millis())
        : descriptor.streams() || descriptor.inputStreams() ? NO_DEADLINE : timeoutNanos;
    this.waitForReady = waitForReady(descriptor, waitForReady);
    this.callPrefix = "Call to " + descriptor.displayName() + " at " + address + " ";
    this.signature = Fingerprints.signature(descriptor);
    this.shapes = Fingerprints.shapes(descriptor);
    this.digest = digest != null ? digest : Fingerprints.digest(signature, shapes);
    io.minirpc.Idempotent idem = annotation(descriptor, io.minirpc.Idempotent.class);
    this.idempotent = idem != null && idem.value();
    if (idem != null && idem.hedgeAfterMillis() < 0) {
      throw new IllegalArgumentException(descriptor.displayName() + " has @Idempotent("
          + "hedgeAfterMillis = " + idem.hedgeAfterMillis() + "); it must be 0 (off) or positive");
    }
    this.hedgeAfterNanos = idempotent && !descriptor.streams() && !descriptor.inputStreams()
        ? TimeUnit.MILLISECONDS.toNanos(idem.hedgeAfterMillis()) : 0; // a stream is not hedged
    if (idem != null && (idem.hedgeAtPercentile() < 0 || idem.hedgeAtPercentile() > 99)) {
      throw new IllegalArgumentException(descriptor.displayName() + " has @Idempotent("
          + "hedgeAtPercentile = " + idem.hedgeAtPercentile() + "); it must be 0 (off) or a"
          + " percentile from 1 to 99, such as 95");
    }
    this.latencies = idempotent && idem.hedgeAtPercentile() > 0
        ? new LatencyTracker(idem.hedgeAtPercentile()) : null;
    int key = -1;
    java.lang.annotation.Annotation[][] params = descriptor.method().getParameterAnnotations();
    for (int i = 0; i < params.length; i++) {
      for (java.lang.annotation.Annotation a : params[i]) {
        if (a instanceof io.minirpc.HashKey) {
          if (key >= 0) {
            throw new IllegalArgumentException(descriptor.displayName() + " marks two parameters"
                + " with @HashKey; mark the one whose value picks the server");
          }
          key = i;
        }
      }
    }
    this.hashKeyIndex = key;
  }

  private static ValueWriter[] writers(MethodDescriptor descriptor, Codecs.Entry codec) {
    ValueWriter[] writers = new ValueWriter[descriptor.parameterCount()];
    for (int i = 0; i < writers.length; i++) {
      writers[i] = i == descriptor.inputIndex() ? Slots.STREAM_SLOT
          : codec.writer(descriptor.parameterType(i), descriptor, "parameter " + (i + 1));
    }
    return writers;
  }

  private static ValueReader reader(MethodDescriptor descriptor, Codecs.Entry codec) {
    return descriptor.answersNothing() ? null : codec.reader(descriptor.resultType(), descriptor,
        "the result");
  }

  /** The method's annotation, else its interface's (the proxied one, then the declaring one). */
  private static <A extends java.lang.annotation.Annotation> A annotation(
      MethodDescriptor descriptor, Class<A> type) {
    A a = descriptor.method().getAnnotation(type);
    if (a == null) {
      a = descriptor.service().getAnnotation(type);
    }
    if (a == null) {
      a = descriptor.method().getDeclaringClass().getAnnotation(type);
    }
    return a;
  }

  /** Whether the method is {@code @Idempotent}: a call that may have run may be sent again. */
  boolean idempotent() {
    return idempotent;
  }

  /**
   * The delay before a hedged second attempt, or 0 for none: the fixed {@code hedgeAfterMillis},
   * or the percentile of recent latencies when {@code hedgeAtPercentile} is set (never less than
   * the fixed delay).
   */
  long hedgeAfterNanos() {
    LatencyTracker l = latencies;
    return l == null ? hedgeAfterNanos : Math.max(hedgeAfterNanos, l.percentileNanos());
  }

  /** The latencies to record for adaptive hedging, or null when the method has none. */
  LatencyTracker latencies() {
    return latencies;
  }

  /**
   * The key consistent hashing places the call by: the {@code @HashKey} argument's text, else the
   * {@code hash-key} metadata entry, else null.
   */
  String hashKey(Object[] args, java.util.Map<String, String> metadata) {
    if (hashKeyIndex >= 0) {
      Object v = args[hashKeyIndex];
      return v == null ? "" : v.toString();
    }
    return metadata.get("hash-key");
  }

  /** The signature the handshake compares, see {@link Fingerprints#signature}. */
  String signature() {
    return signature;
  }

  /** The application classes the method reaches, with their shapes. */
  java.util.SortedMap<String, String> shapes() {
    return shapes;
  }

  /** The digest of signature and shapes the server's HELLO is compared with. */
  long digest() {
    return digest;
  }

  MethodDescriptor descriptor() {
    return descriptor;
  }

  ValueWriter writer(int i) {
    return writers[i];
  }

  /** The argument writers, one per parameter; never modified. */
  ValueWriter[] writers() {
    return writers;
  }

  /** The result reader, or {@code null} for a method without a result. */
  ValueReader reader() {
    return reader;
  }

  /**
   * The argument writers in the codec's evolving layout if {@code evolving}, else its own.
   *
   * @throws IllegalStateException if the codec has no evolving layout (the handshake never
   *     chooses it then)
   */
  ValueWriter[] writers(boolean evolving) {
    if (!evolving) {
      return writers;
    }
    if (evolvingWriters == null) {
      throw new IllegalStateException("codec " + codecName + " has no evolving layout");
    }
    return evolvingWriters;
  }

  /**
   * The result reader for an answer flagged {@code evolving}, or for one that is not.
   *
   * @throws java.io.IOException if the answer is in an evolving layout this codec does not have
   */
  ValueReader reader(boolean evolving) throws java.io.IOException {
    if (!evolving || reader == null) {
      return reader;
    }
    if (evolvingReader == null) {
      throw new java.io.IOException("the answer is in an evolving layout, which codec "
          + codecName + " does not have");
    }
    return evolvingReader;
  }

  /**
   * The reader of a server stream's items for an ITEM frame flagged {@code evolving}, or not.
   *
   * @throws java.io.IOException if the item is in an evolving layout this codec does not have
   */
  ValueReader itemReader(boolean evolving) throws java.io.IOException {
    if (!evolving) {
      return itemReader;
    }
    if (evolvingItemReader == null) {
      throw new java.io.IOException("the item is in an evolving layout, which codec "
          + codecName + " does not have");
    }
    return evolvingItemReader;
  }

  /** The writer of the client's stream's items, in the evolving layout or not. */
  ValueWriter inputWriter(boolean evolving) {
    return evolving ? evolvingInputWriter : inputWriter;
  }

  /**
   * The fields of the declared exceptions, with the readers of the layout an ERROR frame's flags
   * name; null if the codec has no such layout.
   */
  ExceptionFields exceptionFields(boolean evolving) {
    return evolving ? evolvingExceptions : exceptions;
  }

  /** The wire id of the client's codec. */
  byte codecId() {
    return codecId;
  }

  /** The name of the client's codec. */
  String codecName() {
    return codecName;
  }

  /** Whether the client's codec can carry values between different versions of the classes. */
  boolean canEvolve() {
    return evolvingWriters != null;
  }

  byte[] serviceAndMethod() {
    return serviceAndMethod;
  }

  /**
   * Its requests are compressed with its {@code @Compress}, else {@code clientChoice}; returns
   * this.
   *
   * @throws IllegalArgumentException if its {@code @Compress} names a compressor not installed
   */
  ClientMethod compressWith(io.minirpc.compression.Compressor clientChoice,
      io.minirpc.internal.registry.CompressorRegistry compressors) {
    this.compressor = compressors.forMethod(descriptor, clientChoice);
    return this;
  }

  /** What its requests are compressed with; null for none. */
  io.minirpc.compression.Compressor compressor() {
    return compressor;
  }

  /** The method's own timeout: its {@code @Timeout}, else the client's default. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /**
   * Whether calls wait for a connection when none can be made: the method's {@code
   * @WaitForReady}, else its interface's, else the client's {@code minirpc.waitForReady}.
   */
  boolean waitForReady() {
    return waitForReady;
  }

  private static boolean waitForReady(MethodDescriptor descriptor, boolean clientDefault) {
    io.minirpc.WaitForReady onMethod =
        descriptor.method().getAnnotation(io.minirpc.WaitForReady.class);
    if (onMethod != null) {
      return onMethod.value();
    }
    io.minirpc.WaitForReady onService =
        descriptor.service().getAnnotation(io.minirpc.WaitForReady.class);
    if (onService == null) {
      onService = descriptor.method().getDeclaringClass().getAnnotation(
          io.minirpc.WaitForReady.class);
    }
    return onService != null ? onService.value() : clientDefault;
  }

  /** "Call to com.example.Calculator.add(int,int) at 127.0.0.1:4242 ", to start messages. */
  String callPrefix() {
    return callPrefix;
  }
}
