package io.minirpc.examples.ticker;

import io.minirpc.StreamIterator;
import io.minirpc.StreamProducer;
import io.minirpc.Streams;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;

/**
 * {@link Ticker}: {@link #quotes} pulls from a lazy stream, so a quote is made only when the
 * client has room for it; {@link #live} writes from a thread of its own with {@link
 * StreamProducer#send}, which waits while the client does not read.
 */
public final class TickerImpl implements Ticker {
  private final ExecutorService producers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ticker-live");
    t.setDaemon(true);
    return t;
  });

  @Override
  public Flow.Publisher<Quote> quotes(String symbol, int count) {
    return Streams.fromStream(LongStream.range(0, count).mapToObj(i -> quote(symbol, i)));
  }

  @Override
  public Flow.Publisher<Quote> live(String symbol) {
    StreamProducer<Quote> out = new StreamProducer<>();
    producers.execute(() -> {
      try {
        for (long i = 0; ; i++) {
          out.send(quote(symbol, i)); // blocks while the client has not asked for more
        }
      } catch (CancellationException | InterruptedException e) {
        // The client cancelled, its deadline passed, or it went away: stop producing.
      }
    });
    return out;
  }

  @Override
  public double average(Flow.Publisher<Quote> quotes) {
    // Read like any iterator: the client sends no more than 64 quotes ahead of this loop.
    double sum = 0;
    long n = 0;
    try (StreamIterator<Quote> it = Streams.iterate(quotes, 64)) {
      while (it.hasNext()) {
        sum += it.next().price();
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  @Override
  public Flow.Publisher<Quote> reprice(double factor, Flow.Publisher<Quote> quotes) {
    // What the client's subscriber requests of the answers is requested of the client's
    // stream, so a slow reader at one end holds the producer at the other.
    return Streams.map(quotes, q -> new Quote(q.symbol(), q.sequence(), q.price() * factor));
  }

  private static Quote quote(String symbol, long i) {
    return new Quote(symbol, i, 100 + Math.sin(i / 10.0) * 5);
  }
}
