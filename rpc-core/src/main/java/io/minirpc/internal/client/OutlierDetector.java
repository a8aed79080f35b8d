package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.internal.config.ClientConfig;
import io.netty.util.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outlier ejection, as gRPC's {@code OutlierDetectionLoadBalancer}: reads how each server's calls
 * end and ejects, for a backoff that grows with each ejection in a row, a server that
 *
 * <ul>
 *   <li>is unreachable: {@code minirpc.ejection.failures} calls in a row fail {@code UNAVAILABLE},
 *       lose their connection or time out; or
 *   <li>fails by share (gRPC's failure-percentage ejection): of {@link #MIN_CALLS} or more calls
 *       in {@link HealthRecord#WINDOW_NANOS}, at least {@link #FAILURE_PERCENT} % fail, and at
 *       least twice the share of the other servers' calls does. A failure here is {@code
 *       UNAVAILABLE}, a timeout, or {@code INTERNAL}: the server failed while running the call
 *       (an undeclared exception, a broken frame, a code this version does not know), which a sick
 *       server does to every call. A call the same on every server ({@code INTERNAL} from a bug
 *       every server has) fails the others alike, and ejects none.
 * </ul>
 *
 * <p>Not failures: {@code APPLICATION} (the application's own exception, part of the method's
 * contract), {@code RESOURCE_EXHAUSTED} (an overloaded server pushing back; ejecting it would
 * pile its load on the others, and least-pending already moves load away), and the codes that
 * say the call itself is wrong ({@code CODEC}, {@code NOT_FOUND}, {@code PERMISSION_DENIED},
 * {@code UNAUTHENTICATED}, {@code CANCELLED}). At most {@code minirpc.ejection.maxPercent} of the
 * servers are ejected at once, never the last.
 */
final class OutlierDetector {
  private static final Logger log = LoggerFactory.getLogger(OutlierDetector.class);
  /** Calls in the window below which the failure share says nothing. */
  static final int MIN_CALLS = 20;
  /** The failure share, in percent, at or above which a server may be ejected. */
  static final int FAILURE_PERCENT = 50;

  private final ClientConfig settings;
  private final String target;
  private final Timer timer;
  private final Supplier<Endpoint[]> servers;
  private final Supplier<Endpoint[]> subset;
  private final Runnable changed;

  /**
   * @param servers every server of the fleet now
   * @param subset the servers that take calls now, which a failure share is compared with
   * @param changed told, outside any lock, when a server was ejected or came back
   */
  OutlierDetector(ClientConfig settings, String target, Timer timer,
      Supplier<Endpoint[]> servers, Supplier<Endpoint[]> subset, Runnable changed) {
    this.settings = settings;
    this.target = target;
    this.timer = timer;
    this.servers = servers;
    this.subset = subset;
    this.changed = changed;
  }

  /** An answer arrived from {@code e}; {@code code} is its error's, or null. */
  void answered(Endpoint e, RpcException.Code code) {
    if (code == RpcException.Code.UNAVAILABLE) {
      failed(e, true);
    } else if (code == RpcException.Code.INTERNAL) {
      failed(e, false);
    } else {
      e.health.succeeded();
    }
  }

  /** A call sent to {@code e} got no answer in time. */
  void timedOut(Endpoint e) {
    failed(e, true);
  }

  /** {@code e} connected: ready for a whole interval since its last ejection, the next is short. */
  void connected(Endpoint e) {
    synchronized (this) {
      if (!e.isEjected(System.nanoTime())) {
        e.health.recovered();
      }
    }
  }

  private void failed(Endpoint e, boolean unreachable) {
    int threshold = settings.ejectionFailures();
    if (threshold == 0) {
      return;
    }
    HealthRecord h = e.health;
    int inARow = h.failed(unreachable);
    String why = null;
    if (inARow >= threshold) {
      why = inARow + " calls in a row failed (UNAVAILABLE, lost connection) or timed out";
    } else {
      int calls = h.calls();
      int failures = h.failures();
      if (calls >= MIN_CALLS && 100L * failures >= (long) FAILURE_PERCENT * calls) {
        why = worseThanOthers(e, calls, failures);
      }
    }
    if (why != null) {
      eject(e, why);
    }
  }

  /**
   * Why {@code e} is an outlier, with {@code failures} of {@code calls} failed: at least twice the
   * failure share of the other servers together. Null when it is not, as when every server fails
   * such calls alike.
   */
  private String worseThanOthers(Endpoint e, int calls, int failures) {
    long otherCalls = 0;
    long otherFailures = 0;
    long now = System.nanoTime();
    for (Endpoint x : subset.get()) {
      if (x != e && !x.isEjected(now)) {
        otherCalls += x.health.calls();
        otherFailures += x.health.failures();
      }
    }
    // failures / calls >= 2 * otherFailures / otherCalls, without dividing
    if (otherCalls > 0 && (long) failures * otherCalls < 2 * otherFailures * calls) {
      return null;
    }
    return failures + " of its last " + calls + " calls failed (INTERNAL, UNAVAILABLE, timed"
        + " out), against " + (otherCalls == 0 ? 0 : otherFailures * 100 / otherCalls)
        + " % on the other servers";
  }

  /** Ejects {@code e} unless that would pass the limit; never the last server standing. */
  private void eject(Endpoint e, String why) {
    long now = System.nanoTime();
    long duration;
    int inARow;
    synchronized (this) {
      if (e.isEjected(now) || e.isRetired()) {
        return;
      }
      Endpoint[] every = servers.get();
      int ejected = 0;
      for (Endpoint x : every) {
        if (x.isEjected(now)) {
          ejected++;
        }
      }
      int max = Math.min(every.length - 1, every.length * settings.ejectionMaxPercent() / 100);
      if (ejected >= Math.max(0, max)) {
        if (log.isDebugEnabled()) {
          log.debug("Not ejecting {}: {} of {} servers already are (minirpc.ejection.maxPercent)",
              e.address(), ejected, every.length);
        }
        return;
      }
      inARow = e.health.ejectedAgain();
      duration = settings.ejectionTime().toNanos() * inARow;
      e.health.eject(now + duration);
    }
    // Once per ejection, whose length grows: a failing server cannot make this line frequent.
    log.warn("Ejected {} from {} for {} ms: {} (ejection {} in a row; see"
        + " minirpc.ejection.failures)", e.address(), target,
        TimeUnit.NANOSECONDS.toMillis(duration), why, inARow);
    changed.run();
    try {
      timer.newTimeout(t -> reinstated(e), duration, TimeUnit.NANOSECONDS);
    } catch (RuntimeException closing) {
      // The client is closing: nothing to reinstate.
    }
  }

  private void reinstated(Endpoint e) {
    log.info("{} is back in {} after its ejection", e.address(), target);
    changed.run();
  }
}
