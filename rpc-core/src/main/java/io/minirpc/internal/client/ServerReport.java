package io.minirpc.internal.client;

import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.transport.LogSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log, as soon as a server connects or a proxy is made, which proxied methods that
 * server cannot serve and why: a mismatch is found at deploy time, not on the first call.
 */
final class ServerReport {
  /**
   * The lines are the client's: operators filter on its logger, named by its text (the class
   * would make the two files use each other).
   */
  private static final Logger log =
      LoggerFactory.getLogger("io.minirpc.internal.client.ClientRuntime");

  /** The remote methods of every proxy, to check against each server that connects. */
  private final Map<Class<?>, List<ClientMethod>> methodsByService = new ConcurrentHashMap<>();

  /** A proxy of {@code service} was made: check its methods against the servers ready now. */
  void proxyMade(Class<?> service, List<ClientMethod> methods, Iterable<Connection> ready) {
    methodsByService.put(service, List.copyOf(methods));
    for (Connection c : ready) {
      report(service, methods, c);
    }
  }

  /** A server connected: check every proxy's methods, and the client's compressor, against it. */
  void serverReady(Connection c) {
    c.compression().serverReady(c.serverHello(), c.address());
    if (c.serverHello().detailsWithheld()) {
      log.info("The server at {} did not accept this client's handshake, so it did not say which"
          + " services it has: calls are sent without checking their signatures first, and the"
          + " server authenticates each. Put the credential in the client's metadata"
          + " (minirpc.metadata.*) to authenticate the connection", c.address());
      return;
    }
    for (Map.Entry<Class<?>, List<ClientMethod>> e : methodsByService.entrySet()) {
      report(e.getKey(), e.getValue(), c);
    }
  }

  private static void report(Class<?> service, Iterable<ClientMethod> methods, Connection c) {
    Hello hello = c.serverHello();
    if (hello.detailsWithheld()) {
      return; // nothing to compare with
    }
    List<String> problems = new ArrayList<>();
    List<String> evolving = new ArrayList<>();
    for (ClientMethod m : methods) {
      String problem = Compatibility.problem(m, hello);
      if (problem == null && Compatibility.differs(m, hello)) {
        evolving.add(m.descriptor().key());
      }
      if (problem != null) {
        problems.add(m.descriptor().key() + ": " + problem);
        if (problem.startsWith("the server has no service")) {
          break; // one line says it for every method
        }
      }
    }
    if (!evolving.isEmpty()) {
      log.info("The server at {} has another version of the classes that these methods of {}"
          + " carry, which both sides can read: their calls use the codec's evolving layout: {}",
          c.address(), service.getName(), LogSafe.escape(String.join(", ", evolving), 4000));
    }
    if (!problems.isEmpty()) {
      log.warn("The server at {} does not match this client's {}; calls to these methods will fail"
          + " without being sent: {}", c.address(), service.getName(),
          LogSafe.escape(String.join(" | ", problems), 4000)); // quotes the server's HELLO
    }
  }
}
