package io.minirpc.internal.transport;

import io.minirpc.internal.protocol.Frame;
import io.minirpc.internal.protocol.Frames;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The receiving end of one stream, on either side: a client's end of a server stream, or a
 * server's end of a client's stream of arguments; the subscription its subscriber holds. What
 * the subscriber requests becomes credit sent to the sender, at most {@code windowItems} items
 * and {@code windowBytes} bytes ahead of what it has been given, and only bytes its side's budget
 * has room for; an item beyond the credit is the sender's protocol error. Items arrive on the
 * event loop as frames and wait, undecoded, until the subscriber wants them; they are decoded
 * and handed over on the delivery executor, one at a time, never on the event loop, so a slow
 * subscriber holds only its own stream. It ends when its owner says so ({@link #ended}), after
 * the items before the end that its subscriber requests.
 */
public final class ItemReceiver implements Flow.Subscription, Runnable {
  /** Items, and bytes of items, a stream may have in flight or waiting beyond those delivered. */
  public static final int WINDOW_ITEMS = 1024;
  public static final long WINDOW_BYTES = 1 << 20; // one item may go over
  /** The least byte credit granted, and the first, before an item shows its size. */
  static final long MIN_BYTES = 8 << 10;

  private final ReceivedItems items;
  private final Executor executor;
  private final int windowItems;
  private final long windowBytes;
  /** What this stream holds of its side's budget: its byte credit left and its queued items. */
  private final BudgetHold hold;
  /** Serializes delivery: whoever raises it from 0 drains. */
  private final AtomicInteger wip = new AtomicInteger();
  /** Told of each item passed on, for observers. */
  private final ItemListeners listeners = new ItemListeners();
  /** Cancels the call; set once it starts. */
  private volatile Runnable cancelCall;
  /** Told each signal; set once, by {@link #attach}. */
  private volatile Flow.Subscriber<Object> subscriber;

  // Guarded by this.
  /** What the subscriber asked for and was not given. */
  private long demand;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>();
  private long queuedBytes;
  /** Credit granted to the sender (a client's: of the current attempt) and not used yet. */
  private long creditItems;
  private long creditBytes;
  /** The largest item so far, to grant bytes for the items granted; 0 before the first. */
  private int largest;
  private Channel channel;
  private long sequence;
  /** Whether an item arrived: the call is not sent again elsewhere after that. */
  private boolean received;
  private boolean completed;
  private Throwable failure;
  /** Whether the subscriber was told the end, or cancelled: nothing more reaches it. */
  private boolean done;

  /**
   * @param items how items are read
   * @param executor where the subscriber is told each signal
   * @param memory the side's budget
   */
  public ItemReceiver(ReceivedItems items, Executor executor, int windowItems, long windowBytes,
      ReceiverBudget memory) {
    this.items = items;
    this.executor = executor;
    this.windowItems = windowItems;
    this.windowBytes = windowBytes;
    this.hold = new BudgetHold(memory);
  }

  /** Gives the stream its subscriber, once; until then nothing is requested, nor delivered. */
  public void attach(Flow.Subscriber<Object> s) {
    subscriber = s;
    s.onSubscribe(this);
    schedule();
  }

  /** How to cancel the call: a cancel of the subscription runs it, one made already now. */
  public void cancelWith(Runnable cancel) {
    this.cancelCall = cancel;
    synchronized (this) {
      if (!done) {
        return;
      }
    }
    cancel.run();
  }

  /** Runs {@code listener} for each item handed to the subscriber from now on. */
  public void listen(Runnable listener) {
    listeners.add(listener);
  }

  /** Whether the subscriber cancelled, or was told the end. */
  public synchronized boolean isDone() {
    return done;
  }

  /**
   * Whether the subscriber waits for an item the sender has credit for and has not sent: the
   * sender, not this side, holds the stream up.
   */
  public synchronized boolean waitsForSender() {
    return !done && !completed && failure == null && demand > 0 && queue.isEmpty()
        && creditItems > 0 && creditBytes > 0;
  }

  /** Whether an item arrived, so that the call goes to no other peer. */
  public synchronized boolean received() {
    return received;
  }

  /**
   * The stream is call {@code seq} on {@code ch}; the grants start again from nothing there (a
   * client's call sent to another server). Event loop: a client's right after the request.
   */
  public void opened(Channel ch, long seq) {
    synchronized (this) {
      channel = ch;
      sequence = seq;
      creditItems = 0;
      creditBytes = 0; // a new peer: what the last one was granted is given back
      rebalance();
    }
    grant();
  }

  /**
   * An ITEM of this stream arrived; this takes the frame. False if it was beyond the credit
   * granted, a protocol error of the sender. Event loop.
   */
  public boolean item(Frame frame) {
    int size = frame.size();
    synchronized (this) {
      if (done) {
        frame.release();
        return true;
      }
      if (frame.sequence() != sequence || creditItems <= 0 || creditBytes <= 0) {
        frame.release();
        return false;
      }
      creditItems--;
      creditBytes -= size;
      largest = Math.max(largest, size);
      received = true;
      queue.add(frame);
      queuedBytes += size;
      if (creditBytes < 0) {
        rebalance(); // overdrawn by this item: counted at once; within credit, nothing changes
      }
    }
    schedule();
    return true;
  }

  /** The stream ended: with {@code error} at once, or completely (null) after its items. */
  public void ended(Throwable error) {
    synchronized (this) {
      if (error == null) {
        completed = true;
      } else if (failure == null) {
        failure = error;
      }
    }
    schedule();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      ended(new IllegalArgumentException("request(" + n + "): a subscriber must request a"
          + " positive number of items (Reactive Streams rule 3.9)"));
      cancelCall();
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    grant();
    schedule();
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      releaseQueue();
    }
    cancelCall();
  }

  private void cancelCall() {
    Runnable c = cancelCall;
    if (c != null) {
      c.run(); // the peer is told, and stops the stream
    }
  }

  /** Sends the sender what the subscriber's demand and the window allow, when worth a frame. */
  private void grant() {
    long items;
    long bytes;
    Channel ch;
    long seq;
    synchronized (this) {
      if (channel == null || done || completed || failure != null) {
        return;
      }
      long targetItems = Math.min(Math.max(0, demand - queue.size()), windowItems);
      items = Math.max(0, targetItems - creditItems);
      // Bytes for twice the items granted, by the largest so far (the items bind, not the
      // bytes): a thousand streams of small items then share a budget that a thousand windows
      // of the largest size would not fit in.
      long window = Math.min(windowBytes, Math.max(MIN_BYTES,
          2L * largest * Math.max(1, Math.max(targetItems, creditItems))));
      if (hold.held() - Math.max(0, creditBytes) - queuedBytes >= window / 4) {
        rebalance(); // items delivered since: what they held goes back, a chunk at a time
      }
      bytes = Math.max(0, window - queuedBytes - creditBytes);
      boolean itemsLow = items > 0 && (creditItems <= 0 || items >= Math.max(1, targetItems / 2));
      boolean bytesLow = bytes > 0 && creditItems + items > 0
          && (creditBytes <= 0 || bytes >= window / 2);
      if (!itemsLow && !bytesLow) {
        return;
      }
      if (bytes == 0 && creditBytes <= 0) {
        return; // the queue fills the window: deliveries make room, not the budget
      }
      bytes = bytesLow || creditBytes <= 0 ? hold.take(bytes, window / 16) : 0;
      if (bytes == 0 && creditBytes <= 0) {
        hold.await(this::grant); // no room in the side's budget: none until a stream gives some
        return;
      }
      creditItems += items;
      creditBytes += bytes;
      rebalance();
      if (creditBytes <= 0) {
        hold.await(this::grant); // still overdrawn by an item: the sender waits for more
      }
      ch = channel;
      seq = sequence;
    }
    ch.writeAndFlush(Frames.credit(ch.alloc(), seq, items, bytes), ch.voidPromise());
  }

  private void schedule() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    try {
      executor.execute(this);
    } catch (RejectedExecutionException e) {
      // This side is closed: the subscriber is told the end here, and nothing more comes.
      wip.set(0);
      Throwable end;
      synchronized (this) {
        if (done || subscriber == null) {
          return; // attach() schedules again, and is told then
        }
        end = failure != null ? failure : completed && queue.isEmpty() ? null : items.closed();
        done = true;
        releaseQueue();
      }
      finish(end);
    }
  }

  /** Delivers what the subscriber asked for, then the end; on the delivery executor. */
  @Override
  public void run() {
    int missed = 1;
    for (;;) {
      for (;;) {
        Frame next = null;
        Throwable end = null;
        synchronized (this) {
          if (done) {
            releaseQueue();
            break;
          }
          if (subscriber == null) {
            break; // attach() schedules again
          }
          if (demand > 0 && !queue.isEmpty()) {
            next = queue.poll(); // the items before an error or the end go first
            demand--;
            queuedBytes -= next.size(); // given back to the budget by grant(), in chunks
          } else if (failure != null || completed && queue.isEmpty()) {
            end = failure;
            done = true;
            releaseQueue();
          } else {
            break;
          }
        }
        if (next == null) {
          finish(end);
          break;
        }
        deliver(next); // outside the lock: the subscriber may request or cancel from onNext
        grant();
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Decodes {@code frame}, which this releases, and gives its item to the subscriber. */
  private void deliver(Frame frame) {
    Object item;
    try {
      item = items.read(frame);
    } catch (IOException | RuntimeException | Error e) {
      synchronized (this) {
        releaseQueue(); // nothing after an item that cannot be read
      }
      ended(items.undecodable(e));
      cancelCall();
      return;
    } finally {
      frame.release();
    }
    listeners.item();
    try {
      subscriber.onNext(item);
    } catch (Throwable t) {
      // Rule 2.13: a subscriber that throws is done with; the call is cancelled.
      synchronized (this) {
        done = true;
        releaseQueue();
      }
      cancelCall();
    }
  }

  /** Tells the subscriber the end: complete if {@code error} is null. */
  private void finish(Throwable error) {
    try {
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    } catch (Throwable t) {
      // Rule 2.13: nothing to do about a subscriber that throws from its last signal.
    }
  }

  /** Frees the queued items, and once done the credit left too. Under this. */
  private void releaseQueue() {
    for (Frame f : queue) {
      f.release();
    }
    queue.clear();
    queuedBytes = 0;
    if (done) {
      creditItems = 0;
      creditBytes = 0;
    }
    rebalance();
  }

  /**
   * Makes what this stream holds of the side's budget match its byte credit left and its
   * queued items; under this.
   */
  private void rebalance() {
    hold.match(Math.max(0, creditBytes) + queuedBytes);
  }
}
