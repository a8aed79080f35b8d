package io.minirpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.minirpc.RpcException;
import io.minirpc.RpcClient;
import io.minirpc.listing.ServiceDescription;
import io.minirpc.listing.ServiceListing;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One server, reached with the JSON codec: its listing, its health, calls by name. */
final class Remote implements AutoCloseable {
  private final String address;
  private final ConnectionOptions options;
  private final RpcClient client;
  private List<String> services;

  Remote(String address, ConnectionOptions options) {
    this.address = checkAddress(address);
    this.options = options;
    Properties p = new Properties();
    p.setProperty("minirpc.address", address);
    p.setProperty("minirpc.codec", "json");
    p.setProperty("minirpc.timeout", options.timeout.toMillis() + "ms");
    for (String header : options.headers) {
      int eq = header.indexOf('=');
      int colon = header.indexOf(':');
      int at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
      if (at <= 0) {
        throw new Failure(Minirpc.USAGE, "-H '" + header + "' is not KEY=VALUE (or KEY: VALUE),"
            + " such as -H 'authorization=Bearer 7f3c...'");
      }
      p.setProperty("minirpc.metadata." + header.substring(0, at).trim(),
          header.substring(at + 1).trim());
    }
    boolean tls = options.tls || options.caCert != null || options.cert != null
        || options.key != null;
    if ((options.cert == null) != (options.key == null)) {
      throw new Failure(Minirpc.USAGE, "--cert and --key go together: give the client's"
          + " certificate chain and its private key");
    }
    p.setProperty("minirpc.tls", Boolean.toString(tls));
    p.setProperty("minirpc.allowInsecureCredentials",
        Boolean.toString(options.allowInsecureCredentials));
    if (options.caCert != null) {
      p.setProperty("minirpc.tls.trustedCerts", options.caCert.toString());
    }
    if (options.cert != null) {
      p.setProperty("minirpc.tls.certChain", options.cert.toString());
      p.setProperty("minirpc.tls.privateKey", options.key.toString());
    }
    try {
      this.client = RpcClient.builder().configure(p).build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Failure(Minirpc.USAGE, e.getMessage());
    }
  }

  private static String checkAddress(String address) {
    int colon = address.lastIndexOf(':');
    String port = colon < 0 ? "" : address.substring(colon + 1);
    if (colon <= 0 || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) == 0
        || Integer.parseInt(port) > 65535) {
      throw new Failure(Minirpc.USAGE, "'" + address + "' is not HOST:PORT, such as"
          + " localhost:4242 or [::1]:4242");
    }
    return address;
  }

  String address() {
    return address;
  }

  <T> T proxy(Class<T> service) {
    return client.proxy(service);
  }

  /** Every service the server lists, sorted. */
  List<String> services() {
    if (services == null) {
      try {
        services = client.proxy(ServiceListing.class).services();
      } catch (RpcException e) {
        if (e.code() == RpcException.Code.NOT_FOUND) {
          throw new Failure(Minirpc.NOT_FOUND, "The server at " + address + " does not serve"
              + " its listing, which list, describe and call need. Start it with"
              + " minirpc.server.listing=true (RpcServer.Builder.listing(true))");
        }
        throw e;
      }
    }
    return services;
  }

  /** The service named in full or by its simple name, {@code Calculator}. */
  ServiceDescription describe(String name) {
    return client.proxy(ServiceListing.class).describe(resolve(name));
  }

  /** The full name of a service named in full or by its simple name. */
  String resolve(String name) {
    List<String> all = services();
    if (all.contains(name)) {
      return name;
    }
    List<String> matches = new ArrayList<>();
    for (String s : all) {
      int dot = Math.max(s.lastIndexOf('.'), s.lastIndexOf('$'));
      if (s.substring(dot + 1).equals(name)) {
        matches.add(s);
      }
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new Failure(Minirpc.NOT_FOUND, "The server at " + address + " has no service '"
          + name + "' (it serves: " + String.join(", ", all) + ")");
    }
    throw new Failure(Minirpc.USAGE, "'" + name + "' could be " + String.join(" or ", matches)
        + ": write the full name");
  }

  /** Calls a method by name with JSON arguments and waits for its JSON result (or null). */
  JsonNode call(String service, String key, long digest, JsonNode[] args) throws Exception {
    Object[] values = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      values[i] = args[i] == null || args[i].isNull() ? null : args[i];
    }
    CompletableFuture<Object> call =
        client.callByName(service, key, JsonNode.class, digest, values);
    try {
      return (JsonNode) call.get(options.timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new RpcException(RpcException.Code.TIMEOUT, "Call to " + service + "." + key
          + " at " + address + " timed out after " + options.timeout.toMillis() + " ms; raise"
          + " --timeout");
    }
  }

  /**
   * Calls a method that streams, by name, with JSON arguments, and hands each item to {@code
   * each} as it arrives, reading at most 64 ahead; returns how many came.
   */
  long stream(String service, String key, long digest, JsonNode[] args,
      java.util.function.Consumer<JsonNode> each) {
    Object[] values = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      values[i] = args[i] == null || args[i].isNull() ? null : args[i];
    }
    long n = 0;
    try (io.minirpc.StreamIterator<Object> items = io.minirpc.Streams.iterate(
        client.streamByName(service, key, JsonNode.class, digest, values), 64)) {
      while (items.hasNext()) {
        each.accept((JsonNode) items.next());
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    client.close();
  }
}
