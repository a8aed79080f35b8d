package io.minirpc.interceptors;

import io.minirpc.RpcException;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link MetricsInterceptor} measured for one method.
 *
 * @param method the method, {@code com.example.Calculator.add(int,int)}
 * @param calls calls that ended, successful or not
 * @param errors failed calls by code; an exception of the application counts as {@code
 *     APPLICATION}
 * @param p50 median latency (within 12.5%)
 * @param p99 99th percentile latency (within 12.5%)
 * @param max the longest call
 * @param mean the average latency
 * @param items items of its streams: sent, on a server; handed to subscribers, on a client
 */
public record MethodStats(
    String method,
    long calls,
    Map<RpcException.Code, Long> errors,
    Duration p50,
    Duration p99,
    Duration max,
    Duration mean,
    long items) {

  /** The stats of a method that does not stream: no items. */
  public MethodStats(String method, long calls, Map<RpcException.Code, Long> errors,
      Duration p50, Duration p99, Duration max, Duration mean) {
    this(method, calls, errors, p50, p99, max, mean, 0);
  }

  /** Failed calls, all codes together. */
  public long failures() {
    long n = 0;
    for (long v : errors.values()) {
      n += v;
    }
    return n;
  }

  /** Failed calls with {@code code}. */
  public long errors(RpcException.Code code) {
    return errors.getOrDefault(code, 0L);
  }

  @Override
  public String toString() {
    return method + ": " + calls + " calls, " + failures() + " failed"
        + (errors.isEmpty() ? "" : " " + errors) + ", latency p50 " + format(p50) + ", p99 "
        + format(p99) + ", max " + format(max) + (items == 0 ? "" : ", " + items + " items");
  }

  private static String format(Duration d) {
    long micros = d.toNanos() / 1000;
    return micros < 10_000 ? micros + " us" : (micros / 1000) + " ms";
  }
}
