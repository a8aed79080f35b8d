package io.minirpc.examples.ticker;

import java.util.concurrent.Flow;

/** Prices that stream from the server, to it, and both ways, as fast as each reader reads. */
public interface Ticker {
  /** {@code count} quotes of {@code symbol}, one after the other; pulled as the client reads. */
  Flow.Publisher<Quote> quotes(String symbol, int count);

  /** Quotes of {@code symbol} without end, written by a thread of the server. */
  Flow.Publisher<Quote> live(String symbol);

  /** The average price of the quotes the client streams to the server: a client stream. */
  double average(Flow.Publisher<Quote> quotes);

  /** Each quote the client streams, its price times {@code factor}, as it comes: both ways. */
  Flow.Publisher<Quote> reprice(double factor, Flow.Publisher<Quote> quotes);

  /** One price. */
  record Quote(String symbol, long sequence, double price) {}
}
