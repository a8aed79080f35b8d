package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.minirpc.internal.transport.ItemReceiver;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a method that blocks its worker on a client's stream waits for the client: if
 * the client has credit and sends nothing for {@code minirpc.server.maxStreamIdle} while the
 * method still holds its worker, the stream ends {@code TIMEOUT} for the method, which frees the
 * worker. A client that opens streams and sends nothing would otherwise hold workers for as long
 * as its deadline, which it sets. Waiting that is the server's own (no credit granted: the method
 * reads slowly, or the budget is full) does not count, nor does a method that returned.
 *
 * <p>It looks every half of the limit: a stream that waited on the client at two looks in a row
 * with no item between them has waited the limit; it ends between 1× and 1.5× the limit.
 */
final class IdleWatch {
  private final ItemReceiver stream;
  private final EventLoop loop;
  private final long limitNanos;
  private final String what;
  /** Tells the client to stop sending, once the stream ended here. */
  private final Runnable stopClient;
  /** Whether the method still holds its worker; the watch stops once it does not. */
  private volatile boolean blocking = true;
  private volatile ScheduledFuture<?> next;

  // Event loop only.
  private long items;
  private long itemsAtLook;
  private boolean waitedAtLook;
  private int quietLooks;

  private IdleWatch(ItemReceiver stream, EventLoop loop, long limitNanos, String what,
      Runnable stopClient) {
    this.stopClient = stopClient;
    this.stream = stream;
    this.loop = loop;
    this.limitNanos = limitNanos;
    this.what = what;
  }

  /**
   * Starts watching {@code stream} of method {@code what}, which runs {@code stopClient} when it
   * ends it; null if {@code limitNanos} is 0.
   */
  static IdleWatch start(ItemReceiver stream, EventLoop loop, long limitNanos, String what,
      Runnable stopClient) {
    if (limitNanos <= 0) {
      return null;
    }
    IdleWatch w = new IdleWatch(stream, loop, limitNanos, what, stopClient);
    w.schedule();
    return w;
  }

  /** An item of the stream arrived; event loop. */
  void item() {
    items++;
  }

  /** The method returned, or the call ended: its worker is free, and the watch stops. */
  void stop() {
    blocking = false;
    ScheduledFuture<?> f = next;
    if (f != null) {
      f.cancel(false);
    }
  }

  private void schedule() {
    next = loop.schedule(this::look, limitNanos / 2, TimeUnit.NANOSECONDS);
    if (!blocking) {
      next.cancel(false); // stopped meanwhile
    }
  }

  private void look() {
    if (!blocking) {
      return;
    }
    boolean waits = stream.waitsForSender();
    // Credit is used only by items: waiting at both looks with none between, it waited all along.
    quietLooks = waits && waitedAtLook && items == itemsAtLook ? quietLooks + 1 : 0;
    waitedAtLook = waits;
    itemsAtLook = items;
    if (quietLooks < 2) {
      schedule();
      return;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(limitNanos);
    stream.ended(new RpcException(RpcException.Code.TIMEOUT, "the client sent no item of its"
        + " stream to " + what + " for " + ms + " ms while the method waited for one on a worker"
        + " (minirpc.server.maxStreamIdle=" + ms + "ms on the server). A client that sends"
        + " rarely needs a method that reads its stream asynchronously, or a larger limit"));
    stopClient.run();
  }
}
