package io.minirpc.internal.transport;

import io.minirpc.text.UntrustedText;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Makes what a peer sent fit for a log line: control characters escaped (a newline cannot forge a
 * line of its own), and cut to {@value #MAX_CHARS} characters with a count of the rest. And a
 * {@link Limiter} for the lines that bad input repeats, so a flood of it cannot flood the log.
 */
public final class LogSafe {
  /** The most characters of one untrusted string that reach a log line. */
  public static final int MAX_CHARS = UntrustedText.MAX_CHARS;

  private LogSafe() {}

  /** {@code s} escaped and truncated: see {@link UntrustedText#escape(Object)}. */
  public static String escape(Object s) {
    return UntrustedText.escape(s);
  }

  /** {@code s} escaped and cut at {@code maxChars}: see {@link UntrustedText#escape(Object, int)}. */
  public static String escape(Object s, int maxChars) {
    return UntrustedText.escape(s, maxChars);
  }

  /**
   * At most one line per interval for one kind of bad input; the next line that passes says how
   * many were left out. Lock-free; shared by every connection of a process.
   */
  public static final class Limiter {
    private final long intervalNanos;
    private final AtomicLong nextNanos;
    private final AtomicLong suppressed = new AtomicLong();

    public Limiter(long interval, TimeUnit unit) {
      this.intervalNanos = unit.toNanos(interval);
      this.nextNanos = new AtomicLong(System.nanoTime());
    }

    /** One line a second. */
    public static Limiter perSecond() {
      return new Limiter(1, TimeUnit.SECONDS);
    }

    /**
     * -1 if this line is to be left out; otherwise how many were left out before it (to append
     * with {@link #suffix}).
     */
    public long acquire() {
      long now = System.nanoTime();
      long next = nextNanos.get();
      if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
        suppressed.incrementAndGet();
        return -1;
      }
      return suppressed.getAndSet(0);
    }

    /** " (N similar lines left out)" or "". */
    public static String suffix(long leftOut) {
      return leftOut > 0 ? " (" + leftOut + " similar line(s) left out)" : "";
    }

    /** Logs {@code message} (already escaped) at WARN, unless the limit leaves it out. */
    public void warn(Logger log, String message) {
      long leftOut = acquire();
      if (leftOut >= 0) {
        log.warn("{}{}", message, suffix(leftOut));
      }
    }

    /** Logs {@code message} (already escaped) at INFO, unless the limit leaves it out. */
    public void info(Logger log, String message) {
      long leftOut = acquire();
      if (leftOut >= 0) {
        log.info("{}{}", message, suffix(leftOut));
      }
    }
  }
}
