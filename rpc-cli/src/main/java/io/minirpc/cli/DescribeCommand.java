package io.minirpc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minirpc.listing.MethodDescription;
import io.minirpc.listing.ParameterDescription;
import io.minirpc.listing.ServiceDescription;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Describes a service's methods, or one method: signature, key, and each"
        + " parameter and the result as JSON Schema (the server needs"
        + " minirpc.server.listing=true).")
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions options;

  @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The server.")
  String address;

  @Parameters(index = "1", paramLabel = "SERVICE[.METHOD]",
      description = "A service by full or simple name (Calculator), or one of its methods by"
          + " name (Calculator.add, every overload) or key (Calculator.add(int,int)).")
  String target;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Remote remote = new Remote(address, options)) {
      Methods.Target t = Methods.target(remote, target);
      List<MethodDescription> methods = t.method == null ? t.service.methods()
          : Methods.named(t.service, t.method);
      if (options.json) {
        ObjectNode doc = Output.JSON.createObjectNode();
        doc.put("service", t.service.name());
        ArrayNode list = doc.putArray("methods");
        for (MethodDescription m : methods) {
          list.add(json(m));
        }
        out.println(Output.pretty(doc));
      } else {
        // Names come from the server: escaped, as the schemas are by Output.
        out.println(Terminal.safe(t.service.name()));
        for (MethodDescription m : methods) {
          out.println();
          out.println("  " + Terminal.safe(Methods.signature(m)));
          out.println("    key: " + Terminal.safe(m.key()));
          for (ParameterDescription p : m.parameters()) {
            out.println("    " + Terminal.safe(p.name()) + ": "
                + Output.compact(Output.schema(p.schema())));
          }
          out.println("    returns: " + Output.compact(Output.schema(m.resultSchema())));
        }
      }
      if (unnamedParameters(methods)) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("minirpc: the parameters are named arg0, arg1, ...: the server's service"
            + " interfaces were compiled without their parameter names. Compile them with javac"
            + " -parameters (Maven: <maven.compiler.parameters>true</maven.compiler.parameters>)"
            + " to see the names here");
        err.flush();
      }
    }
    out.flush();
    return Minirpc.OK;
  }

  /**
   * Whether every parameter of these methods is named as javac names them without {@code
   * -parameters}: {@code arg0}, {@code arg1}, ... in order (and there is at least one).
   */
  static boolean unnamedParameters(List<MethodDescription> methods) {
    boolean any = false;
    for (MethodDescription m : methods) {
      List<ParameterDescription> ps = m.parameters();
      for (int i = 0; i < ps.size(); i++) {
        if (!ps.get(i).name().equals("arg" + i)) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  private static ObjectNode json(MethodDescription m) {
    ObjectNode o = Output.JSON.createObjectNode();
    o.put("key", m.key());
    o.put("signature", m.signature());
    ArrayNode params = o.putArray("parameters");
    for (ParameterDescription p : m.parameters()) {
      ObjectNode po = params.addObject();
      po.put("name", p.name());
      po.put("type", p.type());
      po.set("schema", Output.schema(p.schema()));
    }
    o.put("resultType", m.resultType());
    o.set("resultSchema", Output.schema(m.resultSchema()));
    o.put("async", m.async());
    return o;
  }
}
