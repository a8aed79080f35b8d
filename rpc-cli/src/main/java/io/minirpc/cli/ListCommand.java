package io.minirpc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ServiceDescription;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the services of a server, or the methods of one, from its listing"
        + " service (the server needs minirpc.server.listing=true).")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions options;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server.")
  String address;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SERVICE",
      description = "A service, by full or simple name: list its methods.")
  String service;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Remote remote = new Remote(address, options)) {
      ArrayNode json = Output.JSON.createArrayNode();
      if (service == null) {
        for (String s : remote.services()) {
          json.add(s);
          if (!options.json) {
            out.println(Terminal.safe(s));
          }
        }
      } else {
        ServiceDescription d = remote.describe(service);
        for (MethodDescription m : d.methods()) {
          json.add(m.key());
          if (!options.json) {
            out.println(Terminal.safe(d.name() + "." + m.key()));
          }
        }
      }
      if (options.json) {
        out.println(Output.pretty(json));
      }
    }
    out.flush();
    return Minirpc.OK;
  }
}
