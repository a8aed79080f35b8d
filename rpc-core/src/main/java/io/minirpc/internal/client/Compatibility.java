package io.minirpc.internal.client;

import io.minirpc.RpcException;
import io.minirpc.discovery.ServerInstance;
import io.minirpc.internal.protocol.Hello;
import io.minirpc.internal.registry.Evolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares what the client knows of a method with what the server announced in its HELLO, and
 * says in words what differs: a missing service or method, a different signature, or an
 * application class with different fields on each side.
 */
final class Compatibility {
  private Compatibility() {}

  /** The verdict on a method whose classes are equal on both sides, or cannot be compared. */
  static final Object SAME = "same";
  /** The verdict on a method whose classes differ in ways the evolving layout carries. */
  static final Object EVOLVING = "evolving";

  /**
   * How {@code method} can be called on the server that sent {@code hello}: {@link #SAME}, {@link
   * #EVOLVING}, or the {@link RpcException} that a call fails with, unsent.
   */
  static Object verdict(ClientMethod method, Hello hello, String address) {
    if ((method.descriptor().streams() || method.descriptor().inputStreams()) && !hello.streams()) {
      return new RpcException(RpcException.Code.NOT_FOUND, method.callPrefix() + "was not sent:"
          + " the method streams, and the server at " + address + " speaks no streams (its"
          + " HELLO lacks the flag; an older minirpc). Upgrade the server");
    }
    RpcException mismatch = check(method, hello, address);
    if (mismatch != null) {
      return mismatch;
    }
    return differs(method, hello) ? EVOLVING : SAME;
  }

  /**
   * Whether the server announced another digest for {@code method}: of a method {@link #problem}
   * found callable, that its classes differ in ways the evolving layout carries.
   */
  static boolean differs(ClientMethod method, Hello hello) {
    Hello.MethodInfo m = hello.detailsWithheld() ? null : find(method, hello);
    return m != null && m.digest() != method.digest();
  }

  private static Hello.MethodInfo find(ClientMethod method, Hello hello) {
    Hello.ServiceInfo s = hello.service(method.descriptor().serviceName());
    if (s != null) {
      for (Hello.MethodInfo info : s.methods()) {
        if (info.key().equals(method.descriptor().key())) {
          return info;
        }
      }
    }
    return null;
  }

  /** {@code null} if {@code method} can be called on the server that sent {@code hello}. */
  static RpcException check(ClientMethod method, Hello hello, String address) {
    String problem = problem(method, hello);
    if (problem == null) {
      return null;
    }
    RpcException.Code code =
        problem.startsWith("the server") ? RpcException.Code.NOT_FOUND : RpcException.Code.CODEC;
    return new RpcException(code, method.callPrefix() + "was not sent: " + problem);
  }

  /**
   * What is wrong with calling {@code method} on that server, or {@code null}; {@code null} too
   * when the server withheld its services from this client, which cannot tell then (the server
   * judges the call).
   */
  static String problem(ClientMethod method, Hello hello) {
    if (hello.detailsWithheld()) {
      return null;
    }
    String service = method.descriptor().serviceName();
    Hello.ServiceInfo s = hello.service(service);
    if (s == null && hello.servicesFiltered()) {
      return null; // not for this client's credential, or none such: the server judges the call
    }
    if (s == null) {
      List<String> names = new ArrayList<>();
      for (Hello.ServiceInfo info : hello.services()) {
        names.add(info.name());
      }
      return "the server has no service " + service + " (it serves: "
          + (names.isEmpty() ? "nothing" : String.join(", ", names)) + "). Register it on the"
          + " server, or check that the client points at the right server";
    }
    Hello.MethodInfo m = find(method, hello);
    if (m == null) {
      List<String> keys = new ArrayList<>();
      for (Hello.MethodInfo info : s.methods()) {
        keys.add(info.key());
      }
      return "the server's " + service + " has no method " + method.descriptor().key()
          + " (it has: " + String.join(", ", keys) + "). Client and server have different"
          + " versions of the interface: deploy the same version on both";
    }
    if (m.digest() == method.digest()) {
      return null;
    }
    if (!m.signature().equals(method.signature())) {
      return "client and server declare it differently: the client has '" + method.signature()
          + "', the server '" + m.signature() + "'. Deploy the same version of " + service
          + " on both";
    }
    if (method.canEvolve()) {
      String why = Evolution.incompatibility(method.descriptor(), method.shapes(), hello.shapes());
      return why == null ? null : "the classes it carries differ in a way the other side cannot"
          + " read: " + why + ". Change these classes only as the evolution rules allow"
          + " (docs/evolution.md), or deploy the same version of them on both";
    }
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> e : method.shapes().entrySet()) {
      String theirs = hello.shapes().get(e.getKey());
      if (!Objects.equals(theirs, e.getValue())) {
        differences.add(e.getKey() + " is " + e.getValue() + " on the client but "
            + (theirs == null ? "unknown to the server" : theirs + " on the server"));
      }
    }
    if (differences.isEmpty()) {
      differences.add("the classes it carries differ between client and server");
    }
    return "the classes it carries differ, and codec " + method.codecName() + " has no layout"
        + " that carries values between versions: "
        + String.join("; ", differences) + ". Deploy the same version of these classes on both";
  }

  /** Whether {@code server}'s published fingerprints let a client call {@code method}. */
  static boolean published(ServerInstance server, ClientMethod method) {
    return incompatibility(server, method) == null;
  }

  private static String incompatibility(ServerInstance server, ClientMethod method) {
    if (server.services().isEmpty()) {
      return null; // not published: the handshake decides
    }
    Map<String, Long> methods = server.services().get(method.descriptor().serviceName());
    if (methods == null) {
      return "no service " + method.descriptor().serviceName();
    }
    Long digest = methods.get(method.descriptor().key());
    // Another digest is another version of the classes: the handshake decides whether the two
    // versions can meet, and refuses the method on that connection if not.
    return digest == null ? "no method " + method.descriptor().key() : null;
  }

  /** For each of {@code servers}, its address and why its published fingerprints do not match. */
  static String published(java.util.List<ServerInstance> servers, ClientMethod method) {
    StringBuilder b = new StringBuilder();
    for (ServerInstance s : servers) {
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(s.address()).append(": ").append(incompatibility(s, method));
    }
    return b.toString();
  }
}
