package io.minirpc.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one system with a fixed number of calls outstanding: asynchronously (that many calls in
 * flight, a new one started as each ends) or blocking (that many threads, each calling in a
 * loop). Warms up, then measures throughput and latency over a fixed time.
 */
final class LoadRunner {
  /** What one measured run gave. */
  record Result(double callsPerSecond, double p50Micros, double p99Micros, double p999Micros,
      double clientCpuCores, long errors) {}

  private final Driver driver;
  private final Workload method;
  private final int concurrency;
  private final Recorder recorder = new Recorder(3);
  private final LongAdder completed = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean stopping;

  LoadRunner(Driver driver, Workload method, int concurrency) {
    this.driver = driver;
    this.method = method;
    this.concurrency = concurrency;
  }

  Result run(boolean async, long warmupMillis, long measureMillis) throws Exception {
    CountDownLatch done = new CountDownLatch(concurrency);
    List<Thread> threads = new ArrayList<>();
    if (async) {
      for (int i = 0; i < concurrency; i++) {
        issue(done);
      }
    } else {
      for (int i = 0; i < concurrency; i++) {
        Thread t = new Thread(() -> loop(done), "caller-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }
    Thread.sleep(warmupMillis);
    recorder.getIntervalHistogram(); // drop the warm-up
    long calls0 = completed.sum();
    long errors0 = errors.sum();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    Thread.sleep(measureMillis);
    Histogram h = recorder.getIntervalHistogram();
    long calls1 = completed.sum();
    long cpu1 = processCpuNanos();
    long t1 = System.nanoTime();
    long errors1 = errors.sum();
    stopping = true;
    done.await(30, TimeUnit.SECONDS);
    double seconds = (t1 - t0) / 1e9;
    return new Result((calls1 - calls0) / seconds,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        (cpu1 - cpu0) / 1e9 / seconds,
        errors1 - errors0);
  }

  private void issue(CountDownLatch done) {
    if (stopping) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    driver.callAsync(method, sequence.incrementAndGet(), error -> {
      record(start, error);
      issue(done);
    });
  }

  private void loop(CountDownLatch done) {
    try {
      while (!stopping) {
        long start = System.nanoTime();
        Throwable error = null;
        try {
          driver.callBlocking(method, sequence.incrementAndGet());
        } catch (Exception e) {
          error = e;
        }
        record(start, error);
      }
    } finally {
      done.countDown();
    }
  }

  private void record(long start, Throwable error) {
    if (error != null) {
      errors.increment();
      return;
    }
    recorder.recordValue(System.nanoTime() - start);
    completed.increment();
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return 0;
  }
}
