package io.minirpc;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * What {@link Streams#map} returns: each subscriber subscribes to the source, whose subscription
 * it gets as it is, so that what it requests is requested of the source. A mapper that throws,
 * or returns null, cancels the source and ends the stream with that error.
 */
final class MappedPublisher<T, R> implements Flow.Publisher<R> {
  private final Flow.Publisher<T> source;
  private final Function<? super T, ? extends R> mapper;

  MappedPublisher(Flow.Publisher<T> source, Function<? super T, ? extends R> mapper) {
    this.source = source;
    this.mapper = mapper;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super R> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber == null (Reactive Streams rule 1.9)");
    source.subscribe(new Flow.Subscriber<T>() {
      private Flow.Subscription upstream;
      private boolean done;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        upstream = s;
        subscriber.onSubscribe(s);
      }

      @Override
      public void onNext(T item) {
        if (done) {
          return;
        }
        R mapped;
        try {
          mapped = Objects.requireNonNull(mapper.apply(item), "the mapper returned null");
        } catch (Throwable t) {
          done = true;
          upstream.cancel();
          subscriber.onError(t);
          return;
        }
        subscriber.onNext(mapped);
      }

      @Override
      public void onError(Throwable t) {
        if (!done) {
          done = true;
          subscriber.onError(t);
        }
      }

      @Override
      public void onComplete() {
        if (!done) {
          done = true;
          subscriber.onComplete();
        }
      }
    });
  }
}
