package io.minirpc.internal.transport;

import java.util.Arrays;

/**
 * Who is told of each item of a stream (observers counting them), on either side: added before
 * or while the stream runs, told from whatever thread passes an item on. Copied on write: items
 * are many, listeners few.
 */
public final class ItemListeners {
  private volatile Runnable[] listeners = new Runnable[0];

  /** Tells {@code listener} of every item from now on. */
  public synchronized void add(Runnable listener) {
    Runnable[] more = Arrays.copyOf(listeners, listeners.length + 1);
    more[listeners.length] = listener;
    listeners = more;
  }

  /** One item went on: tells every listener. */
  public void item() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  /** {@code publisher}, telling these listeners of each item it emits. */
  public java.util.concurrent.Flow.Publisher<Object> counting(
      java.util.concurrent.Flow.Publisher<?> publisher) {
    return io.minirpc.Streams.map(publisher, x -> {
      item();
      return x;
    });
  }
}
