package io.minirpc.internal.server;

import io.minirpc.RpcException;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers one connection's calls hold, and the calls that wait for them, in order: a worker
 * runs its call, then the connection's waiting calls one after another until none waits.
 *
 * <p>How many workers: at most {@code maxRunningPerConnection}, and no more than the calls need.
 * A call of a method whose implementation has been quick (it returned in under {@link
 * #QUICK_NANOS}, on average: it neither blocks nor works long) waits for a worker of its
 * connection that runs a quick call already, unless the quick calls waiting would take each such
 * worker more than {@link #BATCH_NANOS}. So a burst of small calls costs one or two hand-offs to
 * the pool, not one per call, and their answers leave in batches. Any other call (a slow method,
 * one not seen yet) gets a worker of its own at once, as every call did before. Should the running
 * workers all stall on calls that are quick only on average, a look {@link #STALL_NANOS} later
 * that finds none of the waiting calls taken starts another worker.
 *
 * <p>While the connection's unwritten answers hold more than their share of its memory ({@link
 * ConnectionMemory#answersOverShare}), none of its calls is started: they wait until the client
 * reads. Nor is a call started while others run whose answer, at the size its method's answers
 * have had, would take the unwritten answers and those expected of the running calls past that
 * share ({@link ConnectionMemory#noRoomForAnswer}).
 */
final class ConnectionWorkers {
  private static final Logger log = LoggerFactory.getLogger(ConnectionWorkers.class);

  /** A method whose calls take a worker less than this, on average, is quick. */
  static final long QUICK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  /** Quick calls' work that may wait for each running worker before another starts. */
  static final long BATCH_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  /**
   * Quick calls that may wait for each running worker, however quick: they count against the
   * server's queue ({@code minirpc.server.queue}) while they wait.
   */
  static final int BATCH_CALLS = 32;
  /** How long waiting calls may see no worker take one before another worker starts. */
  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final WorkerShares shares;
  private final ConnectionMemory memory;
  private final EventLoop loop;
  /** Guarded by itself: calls admitted but waiting for one of this connection's workers. */
  private final ArrayDeque<QueuedCall> waiting = new ArrayDeque<>();
  /** Set while calls wait because the unwritten answers hold too much: a call's end looks. */
  private volatile boolean heldBack;
  /** The executor calls run on, the same for every call. */
  private volatile Executor executor;

  // Guarded by waiting.
  /** Workers this connection's calls hold. */
  private int running;
  /** Of them, those running a quick call: those that will soon take a waiting one. */
  private int runningQuick;
  /** The expected work of the quick calls waiting, in nanoseconds. */
  private long waitingWork;
  /** Calls workers took from {@link #waiting}, to see whether they make progress. */
  private long taken;
  /** {@link #taken} when the pending look was planned; whether one is. */
  private long takenAtLook;
  private boolean lookPlanned;

  ConnectionWorkers(WorkerShares shares, ConnectionMemory memory, EventLoop loop) {
    this.shares = shares;
    this.memory = memory;
    this.loop = loop;
  }

  /** The executor calls run on; null before the first call. */
  Executor executor() {
    return executor;
  }

  /**
   * Runs {@code call} on {@code executor}, on a worker of its own or after the calls of this
   * connection's running workers, as the class says. Event loop.
   *
   * @throws RejectedExecutionException if the executor refused it, or it would wait while the
   *     server's queue is full; nothing was queued
   */
  void execute(QueuedCall call, Executor executor) {
    this.executor = executor;
    Worker worker;
    synchronized (waiting) {
      boolean full = running >= shares.maxRunningPerConnection();
      boolean held = !full && holdsBack(call, running > 0);
      long estimate = call.method().runEstimate();
      boolean joined = !full && !held && joins(estimate);
      if (full || held || joined) {
        if (shares.tryWait()) {
          waiting.add(call);
          if (joined) {
            waitingWork += estimate;
            planLook(); // the running workers take it, unless they all stall
          }
          return;
        }
        if (!joined) {
          throw new RejectedExecutionException("the server's queue is full");
        }
        // Joining only saves a hand-off: with the queue full, the call gets its own worker.
      }
      worker = new Worker(call, start(call));
    }
    try {
      executor.execute(worker);
    } catch (RejectedExecutionException e) {
      synchronized (waiting) {
        stopped(worker.quick);
      }
      throw e;
    }
  }

  /**
   * Whether a call whose method takes {@code estimate}, quick, waits for a worker that runs a
   * quick call already: while the quick work waiting stays within a batch per such worker. Under
   * waiting.
   */
  private boolean joins(long estimate) {
    if (runningQuick == 0) {
      return false; // none, or all run slow calls: they may not come back soon
    }
    return estimate < QUICK_NANOS && waitingWork + estimate <= runningQuick * BATCH_NANOS
        && waiting.size() < runningQuick * BATCH_CALLS;
  }

  /** Plans a look at the waiting calls {@link #STALL_NANOS} from now, if none is; under waiting. */
  private void planLook() {
    if (!lookPlanned) {
      lookPlanned = true;
      takenAtLook = taken;
      loop.schedule(this::look, STALL_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Starts another worker if calls wait and no worker took one since the look was planned. While
   * the answers hold too much, it looks again later: a call's end may not come to look for it.
   */
  private void look() {
    Worker worker;
    synchronized (waiting) {
      lookPlanned = false;
      if (waiting.isEmpty() || running >= shares.maxRunningPerConnection()) {
        return; // nothing waits, or the running workers take them
      }
      if (taken != takenAtLook || holdsBack(waiting.peek(), running > 0)) {
        planLook(); // they make progress, or memory holds them: look again later
        return;
      }
      worker = workerForNext();
      if (!waiting.isEmpty()) {
        planLook();
      }
    }
    startWorker(worker);
  }

  /** A worker for the next waiting call, which it takes; under waiting, with a call waiting. */
  private Worker workerForNext() {
    Worker worker = new Worker(null, false);
    worker.first = take(worker);
    return worker;
  }

  /** Takes the next waiting call for {@code worker}, counted as running; under waiting. */
  private QueuedCall take(Worker worker) {
    QueuedCall call = poll();
    worker.quick = start(call);
    return call;
  }

  /** The next waiting call, no longer counted as waiting; null if none. Under waiting. */
  private QueuedCall poll() {
    QueuedCall call = waiting.poll();
    if (call != null) {
      taken++;
      waitingWork = waiting.isEmpty() ? 0
          : Math.max(0, waitingWork - Math.min(QUICK_NANOS, call.method().runEstimate()));
      shares.waited();
    }
    return call;
  }

  /**
   * Starts {@code worker}, its first call counted as running; false if the executor refused it,
   * and with it the call.
   */
  private boolean startWorker(Worker worker) {
    try {
      executor.execute(worker);
      return true;
    } catch (RejectedExecutionException e) {
      synchronized (waiting) {
        stopped(worker.quick);
      }
      refuse(worker.first);
      if (executor instanceof ExecutorService pool && pool.isShutdown()) {
        // The server stops: no worker will come for the calls that wait. Free them now, or
        // their frames would be left to the garbage collector.
        for (QueuedCall call = dropWaiting(); call != null; call = dropWaiting()) {
          refuse(call);
        }
      }
      return false;
    }
  }

  private static void refuse(QueuedCall call) {
    call.abort(RpcException.Code.UNAVAILABLE, "the server is shutting down or overloaded, and"
        + " could not start the call. Retry later, on this server or another");
    call.discard();
  }

  /** The next waiting call, taken to be dropped unrun; null if none waits. */
  private QueuedCall dropWaiting() {
    synchronized (waiting) {
      return poll();
    }
  }

  /**
   * Whether calls are to wait because the unwritten answers hold too much. Notes it before it
   * looks again, so that an answer written meanwhile finds the note. Guarded by {@link #waiting}.
   */
  private boolean holdsBack(QueuedCall next, boolean othersRun) {
    if (!overShare(next, othersRun)) {
      return false;
    }
    heldBack = true;
    return overShare(next, othersRun);
  }

  /**
   * Whether the unwritten answers hold more than their share, or {@code next}'s expected answer
   * would not fit beside them and those of the running calls. The second only while others run:
   * their end looks again ({@link #callEnded}), so a call too large for the share alone still
   * runs once it is alone.
   */
  private boolean overShare(QueuedCall next, boolean othersRun) {
    return memory.answersOverShare()
        || othersRun && next != null && memory.noRoomForAnswer(next.answerEstimate());
  }

  /**
   * Counts {@code call} as running, with the answer it is expected to make; returns whether it is
   * quick. Under waiting.
   */
  private boolean start(QueuedCall call) {
    running++;
    boolean quick = call.method().runEstimate() < QUICK_NANOS;
    if (quick) {
      runningQuick++;
    }
    call.expectAnswer(call.answerEstimate());
    return quick;
  }

  /** A call counted by {@link #start}, quick or not, runs no more. Under waiting. */
  private void stopped(boolean quick) {
    running--;
    if (quick) {
      runningQuick--;
    }
  }

  /**
   * A call ended and gave back its memory, answer included: if calls wait because the unwritten
   * answers held too much, and no longer do, they run again. Cheap unless calls were held back.
   */
  void callEnded() {
    if (!heldBack) {
      return;
    }
    for (;;) {
      Worker worker;
      synchronized (waiting) {
        if (overShare(waiting.peek(), running > 0)) {
          return; // the next answer written, or call ended, looks again
        }
        heldBack = false;
        if (running >= shares.maxRunningPerConnection() || waiting.isEmpty()) {
          return; // the running workers take the waiting calls
        }
        worker = workerForNext();
      }
      if (!startWorker(worker)) {
        return; // the pool refuses: the next call's end tries again
      }
    }
  }

  /** The next waiting call for {@code worker}, which ended one; null gives the worker back. */
  private QueuedCall next(Worker worker) {
    synchronized (waiting) {
      stopped(worker.quick); // its call has ended: the others are the rest of running
      if (waiting.isEmpty() || holdsBack(waiting.peek(), running > 0)) {
        return null;
      }
      return take(worker);
    }
  }

  /**
   * One of this connection's workers: runs its call, then the connection's waiting calls one
   * after another, until none waits.
   */
  final class Worker implements Runnable {
    /** Its first call; set before it is handed to the executor. */
    private QueuedCall first;
    /** Whether its call now was quick when it started; guarded by waiting. */
    private boolean quick;

    Worker(QueuedCall first, boolean quick) {
      this.first = first;
      this.quick = quick;
    }

    @Override
    public void run() {
      for (QueuedCall call = first; call != null; call = next(this)) {
        try {
          call.run();
        } catch (RuntimeException e) {
          log.error("{} failed unexpectedly", call, e);
        }
      }
    }

    /**
     * The executor dropped this worker unrun (the server stopped): free what its calls hold, and
     * what every call waiting behind it holds, held back for memory or not.
     */
    void discard() {
      synchronized (waiting) {
        stopped(quick);
      }
      first.discard();
      for (QueuedCall call = dropWaiting(); call != null; call = dropWaiting()) {
        call.discard();
      }
    }
  }
}
