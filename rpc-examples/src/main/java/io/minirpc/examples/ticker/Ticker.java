package io.minirpc.examples.ticker;

import java.util.concurrent.Flow;

/** Prices that stream from the server, as fast as each client reads them. */
public interface Ticker {
  /** {@code count} quotes of {@code symbol}, one after the other; pulled as the client reads. */
  Flow.Publisher<Quote> quotes(String symbol, int count);

  /** Quotes of {@code symbol} without end, written by a thread of the server. */
  Flow.Publisher<Quote> live(String symbol);

  /** One price. */
  record Quote(String symbol, long sequence, double price) {}
}
