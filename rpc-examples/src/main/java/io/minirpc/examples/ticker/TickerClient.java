package io.minirpc.examples.ticker;

import io.minirpc.RpcClient;
import io.minirpc.StreamIterator;
import io.minirpc.Streams;
import io.minirpc.examples.support.ExampleConfig;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/** Reads streams from a running {@link TickerServer} with the settings in client.properties. */
public final class TickerClient {
  private TickerClient() {}

  public static void main(String[] args) throws Exception {
    Properties config = ExampleConfig.load(TickerClient.class, "client.properties", args);
    try (RpcClient client = RpcClient.builder().configure(config).build()) {
      System.out.println("Calling through " + client + "; it connects on the first call");
      run(client.proxy(Ticker.class));
    }
  }

  /** The streams both this client and the demo read. */
  public static void run(Ticker ticker) throws InterruptedException {
    // An iterator that reads at most 100 quotes ahead of what it was given.
    long count = 0;
    double last = 0;
    try (StreamIterator<Ticker.Quote> it = Streams.iterate(ticker.quotes("ACME", 100_000), 100)) {
      while (it.hasNext()) {
        last = it.next().price();
        count++;
      }
    }
    System.out.printf("quotes(ACME)       = %d quotes, the last at %.2f%n", count, last);

    // A subscriber that asks for one quote at a time: the server makes no more than that.
    CountDownLatch five = new CountDownLatch(5);
    ticker.live("INIT").subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
      }

      @Override
      public void onNext(Ticker.Quote q) {
        System.out.printf("live(INIT)         = #%d at %.2f%n", q.sequence(), q.price());
        five.countDown();
        if (five.getCount() == 0) {
          subscription.cancel(); // ends the call: the server's producer stops
        } else {
          subscription.request(1);
        }
      }

      @Override
      public void onError(Throwable t) {
        System.out.println("live(INIT) failed: " + t);
      }

      @Override
      public void onComplete() {}
    });
    if (!five.await(10, TimeUnit.SECONDS)) {
      System.out.println("live(INIT) gave fewer than 5 quotes in 10 s");
    }
    System.out.println("live(INIT)         cancelled after 5 quotes");

    // The client streams: quotes made as the server asks for them, never all in memory.
    List<Ticker.Quote> mine = LongStream.range(0, 1000)
        .mapToObj(i -> new Ticker.Quote("MINE", i, 10 + i % 3)).toList();
    System.out.printf("average(1000)      = %.2f%n", ticker.average(Streams.fromIterable(mine)));

    // Both ways: each quote sent comes back repriced, as the iterator reads it.
    double total = 0;
    try (StreamIterator<Ticker.Quote> it = Streams.iterate(
        ticker.reprice(2, Streams.fromIterable(mine)), 16)) {
      while (it.hasNext()) {
        total += it.next().price();
      }
    }
    System.out.printf("reprice(2, 1000)   = %.2f in all%n", total);
  }
}
