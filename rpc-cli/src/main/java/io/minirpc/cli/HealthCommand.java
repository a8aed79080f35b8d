package io.minirpc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minirpc.RpcException;
import io.minirpc.health.Health;
import io.minirpc.health.HealthStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "health", mixinStandardHelpOptions = true,
    description = {"Prints the health of a server, or of one of its services: SERVING,"
        + " NOT_SERVING or UNKNOWN. Exits 0 for SERVING, 5 otherwise.",
        "With --watch, prints each change until the server goes away (exit 3) or Ctrl-C."})
final class HealthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions options;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server.")
  String address;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE",
      description = "A service, by full name, or by simple name when the server serves its"
          + " listing. Default: the whole server.")
  String service;

  @Option(names = {"-w", "--watch"}, description = "Keep watching, printing every change.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Remote remote = new Remote(address, options)) {
      String name = service == null || service.isEmpty() ? Health.SERVER
          : service.indexOf('.') >= 0 ? service : resolve(remote, service);
      Health health = remote.proxy(Health.class);
      HealthStatus status = health.check(name);
      print(out, name, status);
      // Each wait ends well before the call's timeout; one that times out anyway (a slow
      // network) is asked again: only a lost server ends the watch.
      long wait = options.timeout.toMillis() / 2;
      while (watch) {
        HealthStatus next;
        try {
          next = health.await(name, status, wait).get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RpcException
              && ((RpcException) e.getCause()).code() == RpcException.Code.TIMEOUT) {
            continue;
          }
          throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
        if (next != status) {
          status = next;
          print(out, name, status);
        }
      }
      return status == HealthStatus.SERVING ? Minirpc.OK : Minirpc.NOT_SERVING;
    }
  }

  private static String resolve(Remote remote, String simpleName) {
    try {
      return remote.resolve(simpleName);
    } catch (Failure f) {
      if (f.exitCode == Minirpc.NOT_FOUND && f.getMessage().contains("listing")) {
        throw new Failure(Minirpc.NOT_FOUND, "'" + simpleName + "' is not a full service name,"
            + " and the server at " + remote.address() + " does not serve its listing to find"
            + " it by: write the full name, such as com.example." + simpleName);
      }
      throw f;
    }
  }

  private void print(PrintWriter out, String name, HealthStatus status) {
    if (options.json) {
      ObjectNode o = Output.JSON.createObjectNode();
      o.put("service", name);
      o.put("status", status.name());
      out.println(Output.compact(o));
    } else {
      out.println(status);
    }
    out.flush();
  }
}
