package io.minirpc;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Streams for the common cases, in plain JDK types. A service method that streams returns a
 * {@link Flow.Publisher}; minirpc asks it for no more items than the caller granted:
 *
 * <pre>{@code
 * interface Orders {
 *   Flow.Publisher<Order> since(Instant from);          // a server stream
 * }
 *
 * // the server: items pulled only while the client has credit, no thread held meanwhile
 * public Flow.Publisher<Order> since(Instant from) {
 *   return Streams.fromStream(repository.ordersSince(from));
 * }
 *
 * // the client: an iterator that reads ahead a little; closing it early cancels the call
 * try (StreamIterator<Order> it = Streams.iterate(orders.since(yesterday), 64)) {
 *   while (it.hasNext()) {
 *     print(it.next());
 *   }
 * }
 * }</pre>
 *
 * <p>For a producer that pushes items from a thread of its own, see {@link StreamProducer}; any
 * other publisher that keeps the Reactive Streams rules works too (the JDK's {@code
 * SubmissionPublisher}, Reactor's through {@code JdkFlowAdapter}).
 */
public final class Streams {
  private Streams() {}

  /**
   * A publisher of what {@code iterator} yields, for one subscriber: items are pulled on the
   * thread that requests them, as many as requested, so while nothing is requested no thread is
   * held. A second subscriber is refused with {@code onError}.
   */
  public static <T> Flow.Publisher<T> fromIterator(Iterator<? extends T> iterator) {
    return new IteratorPublisher<>(Objects.requireNonNull(iterator, "iterator == null"), null,
        null);
  }

  /**
   * As {@link #fromIterator(Iterator)}, but items are pulled on {@code executor}: for an
   * iterator that blocks (reads a file, a database cursor), so that the requesting thread is not
   * held.
   */
  public static <T> Flow.Publisher<T> fromIterator(Iterator<? extends T> iterator,
      Executor executor) {
    return new IteratorPublisher<>(Objects.requireNonNull(iterator, "iterator == null"), null,
        Objects.requireNonNull(executor, "executor == null"));
  }

  /**
   * A publisher of {@code stream}'s items, for one subscriber, pulled as {@link
   * #fromIterator(Iterator)} pulls; the stream is closed when it ends, fails or is cancelled.
   */
  public static <T> Flow.Publisher<T> fromStream(java.util.stream.Stream<? extends T> stream) {
    Objects.requireNonNull(stream, "stream == null");
    return new IteratorPublisher<>(stream.iterator(), stream::close, null);
  }

  /** A publisher of {@code iterable}'s items: each subscriber gets its own iterator. */
  public static <T> Flow.Publisher<T> fromIterable(Iterable<? extends T> iterable) {
    Objects.requireNonNull(iterable, "iterable == null");
    return subscriber -> new IteratorPublisher<T>(iterable.iterator(), null, null)
        .subscribe(subscriber);
  }

  /**
   * {@code publisher}'s items, each through {@code mapper}, with its backpressure: what a
   * subscriber requests is requested of {@code publisher}. The way to answer a stream with a
   * stream, in a method that streams both ways:
   *
   * <pre>{@code
   * public Flow.Publisher<Quote> quotes(Flow.Publisher<Order> orders) {
   *   return Streams.map(orders, pricing::quote); // the client sends as fast as its caller reads
   * }
   * }</pre>
   *
   * A mapper that throws, or returns null, cancels {@code publisher} and ends the stream with
   * that error. Each subscriber subscribes to {@code publisher} anew.
   */
  public static <T, R> Flow.Publisher<R> map(Flow.Publisher<T> publisher,
      java.util.function.Function<? super T, ? extends R> mapper) {
    return new MappedPublisher<>(Objects.requireNonNull(publisher, "publisher == null"),
        Objects.requireNonNull(mapper, "mapper == null"));
  }

  /**
   * Subscribes to {@code publisher} and returns its items as a blocking iterator that requests
   * at most {@code prefetch} items ahead of what was taken. Closing it before the end cancels
   * the subscription (for a minirpc stream, the call). A failed stream throws its error from
   * {@code hasNext}: an {@link RpcException}, or the exception the server's method declares.
   */
  public static <T> StreamIterator<T> iterate(Flow.Publisher<? extends T> publisher,
      int prefetch) {
    Objects.requireNonNull(publisher, "publisher == null");
    StreamIterator<T> it = new StreamIterator<>(prefetch);
    publisher.subscribe(it.subscriber());
    return it;
  }
}
