package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.discovery.NameResolver;
import io.minirpc.discovery.ServerInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A resolver's listener that keeps everything it hears, for tests to wait on. */
final class Recorder implements NameResolver.Listener {
  final BlockingQueue<List<ServerInstance>> lists = new LinkedBlockingQueue<>();
  final BlockingQueue<String> errors = new LinkedBlockingQueue<>();
  /** Every list and error in order: "[a, b]" or "error: ...". */
  final List<String> heard = new ArrayList<>();
  /** Whether two calls ever overlapped: the contract is one at a time. */
  volatile boolean overlapped;
  private volatile boolean inside;
  private volatile List<ServerInstance> last;

  @Override
  public void onServers(List<ServerInstance> servers) {
    enter();
    synchronized (heard) {
      heard.add(addresses(servers).toString());
    }
    last = servers;
    lists.add(servers);
    inside = false;
  }

  @Override
  public void onError(String reason) {
    enter();
    synchronized (heard) {
      heard.add("error: " + reason);
    }
    errors.add(reason);
    inside = false;
  }

  private void enter() {
    if (inside) {
      overlapped = true;
    }
    inside = true;
  }

  /** The addresses of {@code servers}, sorted. */
  static Set<String> addresses(List<ServerInstance> servers) {
    Set<String> out = new TreeSet<>();
    servers.forEach(s -> out.add(s.address()));
    return out;
  }

  /** Waits for a list of exactly these addresses, and returns it. */
  List<ServerInstance> awaitAddresses(Duration timeout, String... addresses) {
    Set<String> wanted = new TreeSet<>(List.of(addresses));
    return await(timeout, "the servers " + wanted, l -> addresses(l).equals(wanted));
  }

  /** Waits for a list that {@code wanted} accepts, and returns it. */
  List<ServerInstance> await(Duration timeout, String what,
      Predicate<List<ServerInstance>> wanted) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        List<ServerInstance> next =
            lists.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next == null) {
          return fail("no list of " + what + " within " + timeout.toMillis() + " ms; heard: "
              + heard());
        }
        if (wanted.test(next)) {
          return next;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Waits for an error, and returns its reason. */
  String awaitError(Duration timeout) throws InterruptedException {
    String reason = errors.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return reason != null ? reason : fail("no error within " + timeout + "; heard: " + heard());
  }

  List<ServerInstance> last() {
    return last;
  }

  List<String> heard() {
    synchronized (heard) {
      return List.copyOf(heard);
    }
  }
}
