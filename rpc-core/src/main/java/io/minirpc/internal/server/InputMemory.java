package io.minirpc.internal.server;

import io.minirpc.internal.transport.ReceiverBudget;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the client streams of one connection may hold, as their receivers grant credit: bytes of
 * the connection's memory budget (and so of the server's), at most a quarter of what the
 * connection may hold, so that its requests and answers keep room. A stream that finds no room
 * tries again 10 ms later, on the connection's event loop.
 */
final class InputMemory implements ReceiverBudget {
  private final ConnectionMemory memory;
  /** The byte credit and queued items of the connection's client streams. */
  private final AtomicLong held = new AtomicLong();

  InputMemory(ConnectionMemory memory) {
    this.memory = memory;
  }

  /** Takes up to {@code bytes}, or nothing if not even {@code least} fit. */
  @Override
  public long take(long bytes, long least) {
    long cap = memory.limit() / 4;
    for (;;) {
      long before = held.get();
      long n = Math.min(bytes, cap - before);
      long m = Math.min(least, bytes);
      if (n <= 0 || n < m) {
        return 0;
      }
      if (!held.compareAndSet(before, before + n)) {
        continue; // another stream took some meanwhile: look at the quarter again
      }
      long taken = memory.take(n) == ConnectionMemory.TAKEN ? n
          : m < n && memory.take(m) == ConnectionMemory.TAKEN ? m : 0;
      held.addAndGet(taken - n);
      return taken;
    }
  }

  /** A client's stream holds {@code bytes} more, whatever the budget says. */
  @Override
  public void force(long bytes) {
    held.addAndGet(bytes);
    memory.hold(bytes);
  }

  /** A client's stream gives {@code bytes} back. */
  @Override
  public void give(long bytes) {
    held.addAndGet(-bytes);
    memory.release(bytes);
  }

  /** Runs {@code retry} a little later, on the event loop, while the connection is open. */
  @Override
  public void await(Runnable retry) {
    try {
      memory.channel().eventLoop().schedule(() -> {
        if (memory.channel().isActive()) {
          retry.run();
        }
      }, 10, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the event loop is shutting down, and the connection with it
    }
  }
}
