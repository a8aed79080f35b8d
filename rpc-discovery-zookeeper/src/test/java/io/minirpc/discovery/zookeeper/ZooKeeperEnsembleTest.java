package io.minirpc.discovery.zookeeper;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.minirpc.RpcServer;
import io.minirpc.discovery.NameResolver;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/** A three-node ZooKeeper ensemble that loses one node under registered servers. */
class ZooKeeperEnsembleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void losingOneNodeOfThreeLosesNoServerAndNoChange() throws Exception {
    InstanceSpec[] specs = new InstanceSpec[3];
    for (int i = 0; i < specs.length; i++) {
      specs[i] = new InstanceSpec(null, -1, -1, -1, true, i + 1, Zk.TICK_MILLIS, -1);
    }
    try (TestingCluster ensemble = new TestingCluster(specs)) {
      ensemble.start();
      String group = "zookeeper://" + ensemble.getConnectString()
          + "/minirpc/ensemble?sessionTimeout=4s&connectionTimeout=3s";
      Recorder heard = new Recorder();
      RpcServer a = Zk.greeter(group).build().start();
      String first = "127.0.0.1:" + a.port();
      try (NameResolver resolver = Zk.resolve(group, heard)) {
        heard.awaitAddresses(WAIT, first);
        heard.lists.clear();

        // The leader: its loss makes the others elect a new one, and every client, whichever
        // node it is connected to, is cut off for a moment.
        InstanceSpec leader = leader(specs);
        assertTrue(ensemble.killServer(leader));
        // A new server registers once the two left have elected a leader: on a loaded machine
        // the election alone may take longer than the connection timeout a server is given.
        awaitQuorum(survivors(specs, leader));
        // The clients reconnect within their session: the node stays, and changes are seen.
        RpcServer b = Zk.greeter(group).build().start();
        String second = "127.0.0.1:" + b.port();
        heard.awaitAddresses(WAIT, first, second);
        b.close();
        heard.awaitAddresses(WAIT, first);
        for (List<?> list : heard.lists) {
          assertTrue(!list.isEmpty(), "a list without " + first + ": " + heard.heard());
        }
      } finally {
        a.close();
      }
    }
  }

  /** The instance that says it leads, asked with ZooKeeper's {@code srvr} command. */
  private static InstanceSpec leader(InstanceSpec[] specs) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      for (InstanceSpec spec : specs) {
        if (mode(spec).contains("Mode: leader")) {
          return spec;
        }
      }
      Thread.sleep(100);
    }
    return fail("no instance says it leads");
  }

  /** Waits until one of these instances leads and every other one follows it. */
  private static void awaitQuorum(List<InstanceSpec> survivors) throws Exception {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      int leaders = 0;
      int followers = 0;
      for (InstanceSpec spec : survivors) {
        String mode = mode(spec);
        leaders += mode.contains("Mode: leader") ? 1 : 0;
        followers += mode.contains("Mode: follower") ? 1 : 0;
      }
      if (leaders == 1 && leaders + followers == survivors.size()) {
        return;
      }
      Thread.sleep(100);
    }
    fail("the instances left elected no leader within " + WAIT);
  }

  private static List<InstanceSpec> survivors(InstanceSpec[] specs, InstanceSpec lost) {
    return Arrays.stream(specs).filter(spec -> spec != lost).toList();
  }

  /** What {@code srvr} answers, or an empty text while the instance does not serve. */
  private static String mode(InstanceSpec spec) {
    try (Socket s = new Socket(spec.getHostname(), spec.getPort())) {
      s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException notServing) {
      return "";
    }
  }
}
