package io.minirpc.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every leak Netty's detector reports, so a test can fail on it instead of a log line
 * nobody reads. Installed before any ByteBuf class loads by {@link LeakDetectionSessionListener}.
 */
public final class LeakRecorder {
  private static final List<String> leaks = new ArrayList<>();
  private static volatile boolean installed;

  private LeakRecorder() {}

  /** Installs the recording detector factory; idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  /**
   * Forces the garbage collector to find unreleased buffers, makes the detector report them, and
   * returns (and forgets) every leak reported so far.
   */
  public static List<String> collect() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      // The detector drains its reference queue when a new buffer is tracked.
      for (ByteBufAllocator allocator :
          List.of(
              ByteBufAllocator.DEFAULT,
              PooledByteBufAllocator.DEFAULT,
              UnpooledByteBufAllocator.DEFAULT)) {
        ByteBuf probe = allocator.directBuffer(8);
        probe.release();
        probe = allocator.heapBuffer(8);
        probe.release();
      }
    }
    synchronized (leaks) {
      List<String> copy = new ArrayList<>(leaks);
      leaks.clear();
      return copy;
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      record("LEAK: " + resourceType + ".release() was not called." + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      record("LEAK: " + resourceType + ".release() was not called (no records).");
      super.reportUntracedLeak(resourceType);
    }

    private static void record(String leak) {
      synchronized (leaks) {
        leaks.add(leak);
      }
    }
  }
}
